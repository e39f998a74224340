"""Loading the recorded fixtures the fake API clones its payloads from.

Every synthetic match is a recorded match-stats payload with new ids, times and players; nothing
numeric is invented, so the payloads stay as internally consistent as the recordings themselves.
This module reads the fixtures once and pre-computes what rendering needs per template.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from ingest.vocabulary import xuid_of_player_id

from .recorded import DATA_DIR

# Template name -> match-stats file (relative to the recorded data directory).
STATS_FILES: dict[str, str] = {
    "slayer": "responses/get_match_stats.json",
    "ctf": "responses/get_match_stats_ctf.json",
    "oddball": "responses/get_match_stats_oddball.json",
    "zones": "responses/get_match_stats_zones.json",
    "infection": "responses/get_match_stats_infection.json",
    "elimination": "responses/get_match_stats_elimination.json",
    "stockpile": "responses/get_match_stats_stockpile.json",
    "oddball_1v1": "film/match_stats.json",
}

# Only these recorded films belong to a recorded match-stats payload, so only these can be
# rewritten into films whose events reconcile with the synthetic stats.
FILM_FILES: dict[str, tuple[str, int]] = {
    "oddball": ("film/38_63391382-6b88-43f9-9ff4-6313404c419c.gzip", 38),
    "oddball_1v1": ("film/highlight_events.gzip", 37),
}

RANKED_ARENA_PLAYLIST = "edfef3ac-9cbe-4fa2-b949-8f29deafd483"
LIFECYCLE_CUSTOM = 1
LIFECYCLE_MATCHMADE = 3
OUTCOME_DID_NOT_FINISH = 4


def parse_time_ms(value: str) -> int:
    """Milliseconds since the epoch of an API timestamp (``2025-01-29T04:07:55.66Z``)."""
    return round(datetime.fromisoformat(value).timestamp() * 1000)


def parse_duration_ms(value: str) -> int:
    """Milliseconds of an ISO-8601 duration as the API writes them (``PT18M31.2141873S``)."""
    if not value.startswith("P"):
        raise ValueError(f"not an ISO-8601 duration: {value!r}")
    days_part, _, time_part = value[1:].partition("T")
    total = float(days_part[:-1]) * 86400 if days_part.endswith("D") else 0.0
    number = ""
    for char in time_part:
        if char.isdigit() or char == ".":
            number += char
            continue
        total += float(number) * {"H": 3600, "M": 60, "S": 1}[char]
        number = ""
    return round(total * 1000)


@dataclass(frozen=True)
class HumanSlot:
    """One human of a template: the seat a career player takes, with the numbers it carries."""

    player_index: int  # index in the template's Players[]
    xuid: int  # the recorded xuid (what the recorded film names)
    team_id: int  # LastTeamId
    outcome: int
    rank: int
    present_at_end: bool
    kills: int  # summed over PlayerTeamStats
    deaths: int
    assists: int
    team_switch: bool  # more than one PlayerTeamStats entry

    @property
    def left_early(self) -> bool:
        return self.outcome == OUTCOME_DID_NOT_FINISH


@dataclass(frozen=True)
class FilmTemplate:
    chunk: bytes  # the recorded highlight chunk (zlib)
    major_version: int


@dataclass(frozen=True)
class MatchTemplate:
    name: str
    stats_text: str  # the recorded payload, re-parsed for every render (cheaper than deepcopy)
    match_info: dict  # parsed MatchInfo, read-only
    lifecycle_mode: int
    start_ms: int
    wall_ms: int  # EndTime - StartTime: how long the match occupies the player's evening
    duration_ms: int  # MatchInfo.Duration
    humans: tuple[HumanSlot, ...]
    team_ids: tuple[int, ...]  # every team id a player ends on (FFA: one per player)
    teams_enabled: bool
    ranked: bool
    # Per Players[] index: (FirstJoinedTime, LastLeaveTime) as offsets from StartTime in ms.
    join_offsets: tuple[tuple[int, int | None], ...]
    film: FilmTemplate | None

    @property
    def is_custom(self) -> bool:
        return self.lifecycle_mode == LIFECYCLE_CUSTOM

    def team_slots(self) -> dict[int, list[int]]:
        """Human slot indexes grouped by LastTeamId (only meaningful when teams are enabled)."""
        groups: dict[int, list[int]] = {}
        for index, slot in enumerate(self.humans):
            groups.setdefault(slot.team_id, []).append(index)
        return groups


def _xuid_of(player_id: str) -> int:
    xuid = xuid_of_player_id(player_id)
    if xuid is None:
        raise ValueError(f"not a human player id: {player_id!r}")
    return int(xuid)


def _load_template(name: str, relative: str, root: Path) -> MatchTemplate:
    text = (root / relative).read_text(encoding="utf-8")
    payload = json.loads(text)
    info = payload["MatchInfo"]
    start_ms = parse_time_ms(info["StartTime"])
    humans: list[HumanSlot] = []
    offsets: list[tuple[int, int | None]] = []
    team_ids: set[int] = set()
    for index, player in enumerate(payload["Players"]):
        part = player["ParticipationInfo"]
        leave = part["LastLeaveTime"]
        offsets.append(
            (
                parse_time_ms(part["FirstJoinedTime"]) - start_ms,
                None if leave is None else parse_time_ms(leave) - start_ms,
            )
        )
        team_ids.add(player["LastTeamId"])
        if player["PlayerType"] != 1:
            continue
        cores = [entry["Stats"]["CoreStats"] for entry in player["PlayerTeamStats"]]
        humans.append(
            HumanSlot(
                player_index=index,
                xuid=_xuid_of(player["PlayerId"]),
                team_id=player["LastTeamId"],
                outcome=player["Outcome"],
                rank=player["Rank"],
                present_at_end=bool(part["PresentAtCompletion"]),
                kills=sum(c["Kills"] for c in cores),
                deaths=sum(c["Deaths"] for c in cores),
                assists=sum(c["Assists"] for c in cores),
                team_switch=len(cores) > 1,
            )
        )
    film = None
    if name in FILM_FILES:
        film_file, version = FILM_FILES[name]
        film = FilmTemplate(chunk=(root / film_file).read_bytes(), major_version=version)
    playlist = info.get("Playlist")
    return MatchTemplate(
        name=name,
        stats_text=text,
        match_info=info,
        lifecycle_mode=info["LifecycleMode"],
        start_ms=start_ms,
        wall_ms=parse_time_ms(info["EndTime"]) - start_ms,
        duration_ms=parse_duration_ms(info["Duration"]),
        humans=tuple(humans),
        team_ids=tuple(sorted(team_ids)),
        teams_enabled=bool(info["TeamsEnabled"]),
        ranked=bool(playlist) and playlist["AssetId"] == RANKED_ARENA_PLAYLIST,
        join_offsets=tuple(offsets),
        film=film,
    )


@dataclass(frozen=True)
class Fixtures:
    """Everything the fake API serves that comes straight from the recordings."""

    templates: tuple[MatchTemplate, ...]
    discovery: dict[str, dict]  # asset kind -> recorded payload of that kind
    film_manifest: dict
    user: dict
    medal_metadata: bytes
    match_count: dict
    skill: dict
    csr_season_calendar: dict

    def template(self, name: str) -> MatchTemplate:
        for template in self.templates:
            if template.name == name:
                return template
        raise KeyError(f"unknown match template {name!r}; known: {self.template_names()}")

    def template_index(self, name: str) -> int:
        return self.templates.index(self.template(name))

    def template_names(self) -> list[str]:
        return [t.name for t in self.templates]


DISCOVERY_FILES = {
    "maps": "responses/get_map.json",
    "ugcGameVariants": "responses/get_ugc_game_variant.json",
    "playlists": "responses/get_playlist.json",
    "mapModePairs": "responses/get_map_mode_pair.json",
}


@cache
def load_fixtures(root: Path = DATA_DIR) -> Fixtures:
    """Read every fixture once per process (templates are immutable afterwards)."""
    if not (root / "responses").is_dir():
        raise FileNotFoundError(f"Halo fixtures not found under {root}")

    def read_json(relative: str) -> dict:
        return json.loads((root / relative).read_text(encoding="utf-8"))

    return Fixtures(
        templates=tuple(_load_template(n, f, root) for n, f in STATS_FILES.items()),
        discovery={kind: read_json(f) for kind, f in DISCOVERY_FILES.items()},
        film_manifest=read_json("responses/get_film_by_match_id.json"),
        user=read_json("responses/get_user.json"),
        medal_metadata=(root / "responses/get_medal_metadata.json").read_bytes(),
        match_count=read_json("responses/get_match_count.json"),
        skill=read_json("responses/get_match_skill.json"),
        csr_season_calendar=read_json("responses/get_csr_season_calendar.json"),
    )
