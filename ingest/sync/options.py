"""What one ingest run is asked to do (the choices ``halo ingest`` offers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..player_input import PlayerSpec
from ..vocabulary import MatchType


class ProfileScope(StrEnum):
    """Whose profiles (gamertags) a run fetches (``halo ingest --profiles``)."""

    ALL = "all"  # every human seen in a match
    TRACKED = "tracked"  # the tracked players only
    NONE = "none"


@dataclass
class IngestOptions:
    players: list[PlayerSpec] = field(default_factory=list)
    match_type: MatchType = MatchType.ALL
    max_matches: int | None = None
    film: bool = True
    profiles: ProfileScope = ProfileScope.ALL
    retry_failed: bool = False
    workers: int = 16
    batch_size: int = 50
