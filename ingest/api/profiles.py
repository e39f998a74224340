"""The profile service's user object as a player, and how many users one profile call may ask for."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import HaloError
from ..vocabulary import is_xuid

# Users per `/users?xuids=...` call: the profile service allows ~1 request/s, so lookups are batched.
PROFILE_BATCH_SIZE = 20


@dataclass(frozen=True)
class ResolvedPlayer:
    xuid: str
    gamertag: str
    profile: dict


def profile_to_player(data: object, label: str) -> ResolvedPlayer:
    """The player a profile user object (``{xuid, gamertag, gamerpic}``) describes."""
    if not isinstance(data, dict) or not is_xuid(str(data.get("xuid", ""))):
        raise HaloError(f"the profile service answered for {label} without an xuid")
    xuid = str(data["xuid"]).strip(" ")
    return ResolvedPlayer(xuid=xuid, gamertag=str(data.get("gamertag") or ""), profile=data)
