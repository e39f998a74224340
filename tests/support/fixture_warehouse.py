"""A landing schema filled from the recorded SPNKr fixtures, for dbt tests (and anyone else).

``build_fixture_warehouse(path)`` creates a fresh DuckDB file with ``ensure_landing_schema`` and
lands, through the real ``LandingWriter``:

- every recorded match-stats payload (``responses/get_match_stats*.json`` and
  ``film/match_stats.json``: 8 matches, matchmade and custom, with bots and a team switch);
- the 25 history items of ``responses/get_match_history.json`` for its player
  ``TRACKED_XUID`` (who is also landed as a tracked player and as a profile);
- the skill fixture under ``SKILL_MATCH_ID``. The recorded ``get_match_skill.json`` belongs to a
  match that has no recorded stats (its player has 18 kills / 9 deaths on team 0, which no stats
  fixture shows), so it is landed under the oddball match, where the same player is on team 0
  too (its Result.TeamId), with ``requested_xuids`` = the xuids it answers (one);
- the four UGC asset fixtures under the ids the stats payloads reference (their own ids are not
  referenced by any recorded match): the playlist fixture is the same asset (``edfef3ac…``) as the
  playlist of the four matchmade Arena matches, so it is landed under each version they reference;
  the map, mode and map-mode pair fixtures are landed under the refs of ``ASSET_MATCH_ID``
  (the payload's AssetId/VersionId rewritten to the key it is landed under);
- the medal metadata fixture (stale on purpose: 4 NameIds of the stats are missing from it);
- the CSR season calendar fixture (stale too: it ends in January 2024, a year before the recorded
  matches, so the one ranked match with a rank recap has no CSR season and the warning test
  ``assert_csr_matches_in_a_season`` lists it);
- the ingester's explanation of every other gap, as it would record it: a terminal 404 in
  ``landing.fetch_attempts`` for every listed match without stats, every listed matchmade match
  without skill, and every other referenced asset version (endpoint ``ugc_asset``, key
  ``{kind}/{asset_id}/{version_id}``).

So a ``dbt build`` on it passes every completeness test; tests then add or remove data to see
the tests react.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fake_halo import recorded
from ingest.store.schema import ensure_landing_schema
from ingest.store.warehouse import connect
from ingest.store.writer import LandingWriter

FIXTURES = recorded.DATA_DIR  # the recorded payloads, shipped with the fake API
RESPONSES = recorded.RESPONSES_DIR

TRACKED_XUID = "2535445291321133"
TRACKED_GAMERTAG = "aCurtis X89"  # the gamertag the film fixtures give this xuid (NOTICE.md)
SKILL_MATCH_ID = "63391382-6b88-43f9-9ff4-6313404c419c"  # oddball, matchmade, player on team 0
ASSET_MATCH_ID = "b4be1c44-5782-42b3-8cf8-0d76dd87230c"  # slayer, matchmade, Ranked Arena playlist

# MatchInfo field -> Discovery kind (the landing.ugc_assets asset_kind) -> fixture file.
ASSET_FIELDS = {
    "MapVariant": ("maps", "get_map.json"),
    "UgcGameVariant": ("ugcGameVariants", "get_ugc_game_variant.json"),
    "Playlist": ("playlists", "get_playlist.json"),
    "PlaylistMapModePair": ("mapModePairs", "get_map_mode_pair.json"),
}


def stats_fixture_paths() -> list[Path]:
    """Every recorded match-stats payload."""
    return sorted(RESPONSES.glob("get_match_stats*.json")) + [recorded.film("match_stats.json")]


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def compact(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"))


def asset_refs(stats: dict) -> list[tuple[str, str, str]]:
    """(kind, asset_id, version_id) of every asset a stats payload references."""
    info = stats.get("MatchInfo") or {}
    refs = []
    for field_name, (kind, _) in ASSET_FIELDS.items():
        ref = info.get(field_name)
        if isinstance(ref, dict) and ref.get("AssetId") and ref.get("VersionId"):
            refs.append((kind, ref["AssetId"], ref["VersionId"]))
    return refs


@dataclass
class FixtureWarehouse:
    """What was landed, for tests to compute expectations from the same raw JSON."""

    path: Path
    stats: dict[str, dict] = field(default_factory=dict)  # match_id -> stats payload
    history: list[dict] = field(default_factory=list)
    skill: dict[str, dict] = field(default_factory=dict)  # match_id -> skill payload
    assets: dict[tuple[str, str, str], dict] = field(default_factory=dict)  # (kind, id, version)
    medal_metadata: dict = field(default_factory=dict)
    csr_season_calendar: dict = field(default_factory=dict)
    explained: list[tuple[str, str]] = field(default_factory=list)  # (endpoint, key) 404s


@contextmanager
def landing_writer(path: Path) -> Iterator[LandingWriter]:
    """A LandingWriter on ``path`` (schema ensured), flushed and closed on exit."""
    con = connect(path)
    try:
        ensure_landing_schema(con)
        writer = LandingWriter(con, batch_size=10_000, max_delay_s=3600)
        yield writer
        writer.flush()
    finally:
        con.close()


def add_tracked_player(path: Path, xuid: str, gamertag: str | None, friends: list[str] | None = None) -> None:
    """landing.tracked_players has no LandingWriter method (the CLI writes it): insert directly."""
    con = connect(path)
    try:
        con.execute(
            "insert or replace into landing.tracked_players (xuid, gamertag, added_at, friends) values (?, ?, ?, ?)",
            [xuid, gamertag, datetime.now(UTC), friends or []],
        )
    finally:
        con.close()


def build_fixture_warehouse(path: Path) -> FixtureWarehouse:
    """Create ``path`` and land the fixtures described in the module docstring."""
    path = Path(path)
    fw = FixtureWarehouse(path=path)
    with landing_writer(path) as writer:
        for stats_path in stats_fixture_paths():
            stats = load_json(stats_path)
            fw.stats[stats["MatchId"]] = stats
            writer.match_stats(stats["MatchId"], compact(stats))

        for item in load_json(RESPONSES / "get_match_history.json")["Results"]:
            fw.history.append(item)
            writer.history_item(TRACKED_XUID, item["MatchId"], item)

        skill = load_json(RESPONSES / "get_match_skill.json")
        answered = [entry["Id"].removeprefix("xuid(").removesuffix(")") for entry in skill["Value"]]
        fw.skill[SKILL_MATCH_ID] = skill
        writer.match_skill(SKILL_MATCH_ID, compact(skill), answered)

        fixtures = {kind: load_json(RESPONSES / name) for kind, name in ASSET_FIELDS.values()}
        playlist_id = fixtures["playlists"]["AssetId"]
        referenced = sorted({ref for stats in fw.stats.values() for ref in asset_refs(stats)})
        for kind, asset_id, version_id in referenced:
            if (kind == "playlists" and asset_id == playlist_id) or (
                (kind, asset_id, version_id) in asset_refs(fw.stats[ASSET_MATCH_ID])
            ):
                payload = {**fixtures[kind], "AssetId": asset_id, "VersionId": version_id}
                fw.assets[(kind, asset_id, version_id)] = payload
                writer.ugc_asset(kind, asset_id, version_id, compact(payload))
            else:
                key = f"{kind}/{asset_id}/{version_id}"
                fw.explained.append(("ugc_asset", key))
                writer.attempt("ugc_asset", key, outcome="not_found", http_status=404, terminal=True)

        fw.medal_metadata = load_json(RESPONSES / "get_medal_metadata.json")
        writer.medal_metadata(compact(fw.medal_metadata))
        fw.csr_season_calendar = load_json(RESPONSES / "get_csr_season_calendar.json")
        writer.csr_season_calendar(compact(fw.csr_season_calendar))

        profile = {**load_json(RESPONSES / "get_users.json")[0], "xuid": TRACKED_XUID, "gamertag": TRACKED_GAMERTAG}
        writer.player(TRACKED_XUID, profile)

        for item in fw.history:
            match_id = item["MatchId"]
            if match_id not in fw.stats:
                fw.explained.append(("match_stats", match_id))
                writer.attempt("match_stats", match_id, outcome="not_found", http_status=404, terminal=True)
            if item["MatchInfo"].get("LifecycleMode") == 3 and match_id not in fw.skill:
                fw.explained.append(("match_skill", match_id))
                writer.attempt("match_skill", match_id, outcome="not_found", http_status=404, terminal=True)
            # No recorded film for these matches: the films expired, as real old films do.
            fw.explained.append(("film_manifest", match_id))
            writer.attempt("film_manifest", match_id, outcome="not_found", http_status=404, terminal=True)

    add_tracked_player(path, TRACKED_XUID, TRACKED_GAMERTAG)
    return fw
