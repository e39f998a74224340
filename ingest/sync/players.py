"""Resolving the players of a run to xuids and current gamertags through the profile service.

The profile service allows ~1 request/s, so xuids are looked up in batches (``/users?xuids=…``):
one call for every player named by xuid, one for all the tracked players of a sync. Only a gamertag
needs a call of its own (the service has no batched lookup by gamertag).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..api import urls
from ..api.client import HaloHttp
from ..api.profiles import PROFILE_BATCH_SIZE, ResolvedPlayer, profile_to_player
from ..errors import HaloError, UsageError
from ..player_input import PlayerSpec


async def resolve_players(http: HaloHttp, specs: Sequence[PlayerSpec]) -> list[ResolvedPlayer]:
    """The players named by ``--player``, in the order given; an unknown one is a usage error."""
    xuids = list(dict.fromkeys(s.xuid for s in specs if s.xuid))
    by_xuid = await users_by_xuid(http, xuids, what="the players named by xuid") if xuids else {}
    players = []
    for spec in specs:
        if spec.xuid:
            if spec.xuid not in by_xuid:
                raise UsageError(
                    f"unknown player: no Xbox profile for xuid {spec.xuid} (not returned by the profile service)"
                )
            players.append(by_xuid[spec.xuid])
        else:
            players.append(await resolve_gamertag(http, spec))
    return players


async def resolve_gamertag(http: HaloHttp, spec: PlayerSpec) -> ResolvedPlayer:
    result = await http.get(urls.user_by_gamertag(spec.gamertag or ""))
    if result.outcome == "terminal":
        raise UsageError(f"unknown player: no Xbox profile for gamertag {spec.gamertag!r} (HTTP {result.status})")
    if not result.ok:
        raise HaloError(f"could not look up player {spec}: {result.error}")
    return profile_to_player(result.data, str(spec))


async def users_by_xuid(http: HaloHttp, xuids: Sequence[str], *, what: str) -> dict[str, ResolvedPlayer]:
    """The profiles the service returns for ``xuids``, PROFILE_BATCH_SIZE per call (it leaves
    unknown xuids out of its answer)."""
    found: dict[str, ResolvedPlayer] = {}
    for start in range(0, len(xuids), PROFILE_BATCH_SIZE):
        batch = list(xuids[start : start + PROFILE_BATCH_SIZE])
        result = await http.get(urls.users_by_xuids(), params={"xuids": batch})
        if result.ok and isinstance(result.data, list):
            for user in result.data:
                if isinstance(user, dict) and str(user.get("xuid", "")) in batch:
                    player = profile_to_player(user, str(user.get("xuid")))
                    found[player.xuid] = player
        elif not result.ok and result.outcome != "terminal":
            raise HaloError(f"could not look up {what}: {result.error}")
    return found


async def resolve_tracked(http: HaloHttp, tracked: list[tuple[str, str | None]]) -> list[ResolvedPlayer]:
    """Refresh the gamertags of already-tracked players (one profile call per PROFILE_BATCH_SIZE)."""
    fresh = await users_by_xuid(http, [x for x, _ in tracked], what="the tracked players")
    # A profile the service no longer returns keeps its last known gamertag (it is still tracked).
    return [fresh.get(x) or ResolvedPlayer(x, gamertag or "", {}) for x, gamertag in tracked]
