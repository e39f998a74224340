"""The Halo API's vocabulary, defined once for the ingester and the fake API (standard library only).

- **xuid**: an Xbox user id is exactly 16 ASCII decimal digits (leading zeros allowed). A stats or
  skill payload names a human ``xuid(<16 digits>)`` and a bot ``bid(41.0)``; user input
  (``--player``, ``--friend``) and declared friends give an xuid bare. The dbt macros ``halo_xuid``
  and ``halo_is_xuid`` (macros/halo_ids.sql) apply the same rule in SQL, and
  tests/test_xuid_rule.py runs both on the same inputs.
- **asset kinds**: the Discovery UGC assets a match refers to, by the ``MatchInfo`` field that
  refers to them.
- **match endpoints**: the payloads fetched for every listed match.
- **match types**: the history listing's ``type`` filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

XUID_REGEX = "[0-9]{16}"  # ASCII digits only: other scripts' digits are not an xuid
PLAYER_ID_REGEX = rf"xuid\(({XUID_REGEX})\)"  # group 1: the xuid
# Anchored for SQL (DuckDB's regexp functions search; Python's fullmatch needs no anchors).
PLAYER_ID_SQL_PATTERN = f"^{PLAYER_ID_REGEX}$"

_XUID = re.compile(XUID_REGEX)
_PLAYER_ID = re.compile(PLAYER_ID_REGEX)
_XUID_INPUT_WRAPPER = re.compile(r"xuid\(([^)]*)\)", re.IGNORECASE)


def is_xuid(text: str) -> bool:
    """A bare xuid: exactly 16 ASCII digits, once surrounding spaces are trimmed."""
    return _XUID.fullmatch(text.strip(" ")) is not None


def xuid_of_player_id(player_id: object) -> str | None:
    """The xuid a stats/skill player id names: ``xuid(2535445291321133)`` -> ``'2535445291321133'``.

    Bots (``bid(41.0)``) and anything else that is not ``xuid(`` + 16 ASCII digits + ``)`` give
    None (no trimming, no other case)."""
    if not isinstance(player_id, str):
        return None
    match = _PLAYER_ID.fullmatch(player_id)
    return match.group(1) if match else None


def player_id(xuid: str | int) -> str:
    """How the API names a human in a request: ``xuid(<16 digits>)``."""
    return f"xuid({xuid})"


def xuid_of_input(text: str) -> str | None:
    """The xuid a user typed, bare (``2533274900000042``) or wrapped (``xuid(...)``, any case).

    None: the text is not written as an xuid at all (no wrapper, not all digits: a gamertag).
    ValueError: it is written as one but is not 16 ASCII digits."""
    wrapped = _XUID_INPUT_WRAPPER.fullmatch(text)
    candidate = wrapped.group(1) if wrapped else text
    if wrapped is None and not candidate.isdecimal():
        return None
    if _XUID.fullmatch(candidate) is None:
        raise ValueError(f"not 16 ASCII digits: {candidate!r}")
    return candidate


def human_xuids(stats: dict[str, Any]) -> list[str]:
    """The xuids of a stats payload's human players, in payload order (bots are never sent anywhere)."""
    xuids: list[str] = []
    for player in stats.get("Players") or []:
        xuid = xuid_of_player_id(player.get("PlayerId")) if isinstance(player, dict) else None
        if xuid is not None and xuid not in xuids:
            xuids.append(xuid)
    return xuids


# MatchInfo field -> Discovery asset kind (the URL segment, and landing.ugc_assets.asset_kind).
ASSET_KINDS: dict[str, str] = {
    "MapVariant": "maps",
    "UgcGameVariant": "ugcGameVariants",
    "Playlist": "playlists",
    "PlaylistMapModePair": "mapModePairs",
}


@dataclass(frozen=True)
class AssetRef:
    """One asset version a match refers to."""

    kind: str
    asset_id: str
    version_id: str

    @property
    def key(self) -> str:
        """How a fetch of it is logged (``landing.fetch_attempts.key`` of endpoint ``ugc_asset``)."""
        return f"{self.kind}/{self.asset_id}/{self.version_id}"


def asset_refs(stats: dict[str, Any]) -> list[AssetRef]:
    """The asset versions a stats payload's MatchInfo refers to (none when MatchInfo is not an
    object: a drifted payload lands, and its oddity is reported by the dbt build)."""
    info = stats.get("MatchInfo")
    if not isinstance(info, dict):
        return []
    refs = []
    for field_name, kind in ASSET_KINDS.items():
        ref = info.get(field_name)
        if isinstance(ref, dict) and ref.get("AssetId") and ref.get("VersionId"):
            refs.append(AssetRef(kind, str(ref["AssetId"]), str(ref["VersionId"])))
    return refs


# The payloads fetched for every listed match, in the order a match's fetches go.
MATCH_ENDPOINTS: tuple[str, ...] = ("match_stats", "match_skill", "film_manifest", "film_chunk")
FILM_ENDPOINTS: tuple[str, ...] = ("film_manifest", "film_chunk")


class MatchType(StrEnum):
    """The match history's ``type`` filter (``halo ingest --match-type``)."""

    ALL = "all"
    MATCHMAKING = "matchmaking"
    CUSTOM = "custom"
    LOCAL = "local"
