"""Who to ingest: parsing ``--player`` and resolving it to an xuid through the profile service."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import urls
from .errors import HaloError, UsageError
from .fetch import PROFILE_BATCH_SIZE
from .http import HaloHttp

_XUID_FORM = re.compile(r"^(?:xuid\((?P<wrapped>[^)]*)\)|(?P<bare>\d+))$", re.IGNORECASE)
# Classic gamertags: letters, digits, spaces (≤ 15). Modern ones add a '#1234' suffix and allow
# other alphabets. Anything else (slashes, quotes, control characters) is a typo.
_GAMERTAG = re.compile(r"^[\w ]{1,16}(?:#\d{1,5})?$", re.UNICODE)


@dataclass(frozen=True)
class PlayerSpec:
    xuid: str | None = None
    gamertag: str | None = None

    def __str__(self) -> str:
        return self.gamertag or f"xuid({self.xuid})"


@dataclass(frozen=True)
class ResolvedPlayer:
    xuid: str
    gamertag: str
    profile: dict


def parse_player_spec(raw: str) -> PlayerSpec:
    text = (raw or "").strip()
    if not text:
        raise UsageError("--player is empty: give a gamertag or a 16-digit xuid")
    match = _XUID_FORM.match(text)
    if match:
        digits = match.group("wrapped") if match.group("wrapped") is not None else match.group("bare")
        if not digits.isdigit() or len(digits) != 16:
            raise UsageError(f"malformed xuid {text!r}: an xuid is exactly 16 digits")
        return PlayerSpec(xuid=digits)
    if not _GAMERTAG.match(text) or "_" in text.replace(" ", ""):
        raise UsageError(
            f"{text!r} is neither a gamertag (letters, digits, spaces, optional #1234 suffix) "
            "nor a 16-digit xuid"
        )
    return PlayerSpec(gamertag=text)


async def resolve_player(http: HaloHttp, spec: PlayerSpec) -> ResolvedPlayer:
    url = urls.user_by_xuid(spec.xuid) if spec.xuid else urls.user_by_gamertag(spec.gamertag or "")
    result = await http.get(url)
    if result.outcome == "terminal":
        what = f"xuid {spec.xuid}" if spec.xuid else f"gamertag {spec.gamertag!r}"
        raise UsageError(f"unknown player: no Xbox profile for {what} (HTTP {result.status})")
    if not result.ok:
        raise HaloError(f"could not look up player {spec}: {result.error}")
    return profile_to_player(result.data, str(spec))


def profile_to_player(data: object, label: str) -> ResolvedPlayer:
    if not isinstance(data, dict) or not str(data.get("xuid", "")).isdigit():
        raise HaloError(f"the profile service answered for {label} without an xuid")
    xuid = str(data["xuid"])
    return ResolvedPlayer(xuid=xuid, gamertag=str(data.get("gamertag") or ""), profile=data)


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
