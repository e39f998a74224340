"""Resolving the players of a run to xuids and current gamertags through the profile service."""

from __future__ import annotations

from ..api import urls
from ..api.client import HaloHttp
from ..api.profiles import PROFILE_BATCH_SIZE, ResolvedPlayer, profile_to_player
from ..errors import HaloError, UsageError
from ..player_input import PlayerSpec


async def resolve_player(http: HaloHttp, spec: PlayerSpec) -> ResolvedPlayer:
    url = urls.user_by_xuid(spec.xuid) if spec.xuid else urls.user_by_gamertag(spec.gamertag or "")
    result = await http.get(url)
    if result.outcome == "terminal":
        what = f"xuid {spec.xuid}" if spec.xuid else f"gamertag {spec.gamertag!r}"
        raise UsageError(f"unknown player: no Xbox profile for {what} (HTTP {result.status})")
    if not result.ok:
        raise HaloError(f"could not look up player {spec}: {result.error}")
    return profile_to_player(result.data, str(spec))


async def resolve_tracked(http: HaloHttp, tracked: list[tuple[str, str | None]]) -> list[ResolvedPlayer]:
    """Refresh the gamertags of already-tracked players, PROFILE_BATCH_SIZE per profile call (the profile
    service allows ~1 req/s: one call per player would delay every scheduled run)."""
    resolved: dict[str, ResolvedPlayer] = {}
    xuids = [x for x, _ in tracked]
    for start in range(0, len(xuids), PROFILE_BATCH_SIZE):
        batch = xuids[start : start + PROFILE_BATCH_SIZE]
        result = await http.get(urls.users_by_xuids(), params={"xuids": batch})
        if result.ok and isinstance(result.data, list):
            for user in result.data:
                if isinstance(user, dict) and str(user.get("xuid", "")) in batch:
                    player = profile_to_player(user, str(user.get("xuid")))
                    resolved[player.xuid] = player
        elif not result.ok and result.outcome != "terminal":
            raise HaloError(f"could not look up the tracked players: {result.error}")
    # A profile the service no longer returns keeps its last known gamertag (it is still tracked).
    return [resolved.get(x) or ResolvedPlayer(x, gamertag or "", {})
            for x, gamertag in tracked]
