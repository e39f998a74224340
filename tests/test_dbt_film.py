"""Film highlight events in the warehouse: real `dbt build`s, values checked against what this file
works out itself (NOTICE.md counts, the raw stats JSON, the bit-by-bit reference decoder, a plain
pairing loop), never read back from the models.

Two module-scoped warehouses, every build done once in the fixtures (tests only read):

* fixtures: the recorded fixtures (tests/support/fixture_warehouse.py) plus three films - the
  real v38 chunk of the oddball match, the v37 chunk of film/match_stats.json (its chunk row
  without a major version: the manifest's is used) and a truncated chunk under the slayer match.
  Then a second build with nothing new, then (on a copy) the truncated chunk landed again with
  good bytes, then (on a copy of that) a full refresh of everything film to compare with.
* demo: the fake API's demo career ingested by the real ingester; then a new match with a film;
  then (on a copy) Quill's profile and tracked gamertag removed and an old film of theirs landed
  again, so dim_players has only film observations to go by.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bench.film_reference import decode_reference
from fake_halo import Career, CareerSpec, FakeHaloApi, running

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.dbt_harness import DbtRun, execute, query, run_dbt
    from support.fixture_warehouse import (
        ASSET_MATCH_ID,
        FIXTURES,
        RESPONSES,
        SKILL_MATCH_ID,
        build_fixture_warehouse,
        compact,
        landing_writer,
        load_json,
    )
    from support.ingest_harness import ingest_once
except ModuleNotFoundError:  # tests/ is a package: the project root is on sys.path
    from tests.support.dbt_harness import DbtRun, execute, query, run_dbt
    from tests.support.fixture_warehouse import (
        ASSET_MATCH_ID,
        FIXTURES,
        RESPONSES,
        SKILL_MATCH_ID,
        build_fixture_warehouse,
        compact,
        landing_writer,
        load_json,
    )
    from tests.support.ingest_harness import ingest_once

pytestmark = pytest.mark.dbt

FILM_DIR = FIXTURES / "film"
ODDBALL_ID = SKILL_MATCH_ID  # 63391382-...: its film is 38_63391382-....gzip (NOTICE.md)
ODDBALL_CHUNK = FILM_DIR / "38_63391382-6b88-43f9-9ff4-6313404c419c.gzip"
V37_CHUNK = FILM_DIR / "highlight_events.gzip"
V37_STATS = FILM_DIR / "match_stats.json"
CORRUPT_ID = ASSET_MATCH_ID  # a slayer match whose film we pretend landed truncated
TOLERANCE_MS = 5
FILM_MARTS = ("fct_film_events", "fct_killer_victim_pairs", "fct_film_reconciliation")
QUILL = "2535400000004821"
DEMO_PLAYERS = ["2533274900000042", "2533274911112233", QUILL]


# -- reading the warehouse ---------------------------------------------------------------------------


def written_by(db: Path, run: DbtRun) -> dict[str, set[str]]:
    """Per film table, the matches that have rows carrying ``run``'s invocation id."""
    tables = {"int_film_chunk_decodes": "intermediate.int_film_chunk_decodes"}
    tables |= {name: f"main.{name}" for name in FILM_MARTS}
    return {
        name: {
            r["match_id"]
            for r in query(db, f"select distinct match_id from {table} where dbt_invocation_id = ?",
                           [run.invocation_id])
        }
        for name, table in tables.items()
    }


def film_manifest(match_id: str, major_version: int, chunk_index: int) -> str:
    """The recorded /spectate manifest re-keyed to ``match_id`` (as the fake API does)."""
    manifest = load_json(RESPONSES / "get_film_by_match_id.json")
    custom = manifest["CustomData"]
    custom["MatchId"] = match_id
    custom["FilmMajorVersion"] = major_version
    custom["Chunks"] = [c for c in custom["Chunks"] if c["Index"] <= chunk_index]
    custom["Chunks"][-1] |= {"Index": chunk_index, "ChunkType": 3}
    return compact(manifest)


# -- independent expectations ----------------------------------------------------------------------


def stats_per_human(stats: dict) -> dict[str, tuple[int, int, int, int | None]]:
    """xuid -> (kills, deaths, medals, LastTeamId) summed over every PlayerTeamStats entry."""
    out = {}
    for player in stats["Players"]:
        if player["PlayerType"] != 1:
            continue
        core = [team["Stats"]["CoreStats"] for team in player["PlayerTeamStats"]]
        out[player["PlayerId"][5:-1]] = (
            sum(c["Kills"] for c in core),
            sum(c["Deaths"] for c in core),
            sum(m["Count"] for c in core for m in c.get("Medals", [])),
            player.get("LastTeamId"),
        )
    return out


def plain_pairs(events: list[dict[str, Any]], tolerance: int = TOLERANCE_MS) -> list[tuple]:
    """Greedy pairing written out the slow, obvious way (docs/domain/film.md): kills in (time, film
    order); each takes the nearest unused death within ±tolerance, the earlier death on a tie.
    Returns (kill_seq, killer_xuid, victim_xuid, time_ms, death_time_ms)."""
    ordered = sorted(enumerate(events), key=lambda item: (item[1]["time_ms"], item[0]))
    kills = [e for _, e in ordered if e["event_type"] == "kill"]
    deaths = [e for _, e in ordered if e["event_type"] == "death"]
    used: set[int] = set()
    pairs = []
    for kill_seq, kill in enumerate(kills):
        best = None
        for j, death in enumerate(deaths):
            distance = abs(death["time_ms"] - kill["time_ms"])
            if j in used or distance > tolerance:
                continue
            if best is None or distance < abs(deaths[best]["time_ms"] - kill["time_ms"]):
                best = j
        if best is not None:
            used.add(best)
            pairs.append((kill_seq, str(kill["xuid"]), str(deaths[best]["xuid"]), kill["time_ms"],
                          deaths[best]["time_ms"]))
    return pairs


# -- the fixture warehouse -------------------------------------------------------------------------


@dataclass
class FixtureFilms:
    root: Path
    db: Path
    stats: dict[str, dict]
    first: DbtRun
    second: DbtRun
    relanded_db: Path
    relanded: DbtRun
    refreshed_db: Path
    refreshed: DbtRun
    v37_id: str = ""


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> FixtureFilms:
    root = tmp_path_factory.mktemp("dbt_film")
    db = root / "halo.duckdb"
    fixtures = build_fixture_warehouse(db)
    v37_id = load_json(V37_STATS)["MatchId"]
    oddball = ODDBALL_CHUNK.read_bytes()
    with landing_writer(db) as writer:
        writer.film_manifest(ODDBALL_ID, film_manifest(ODDBALL_ID, 38, 26))
        writer.film_chunk(ODDBALL_ID, 26, 3, 38, oddball)
        # No version on the chunk row: the manifest's FilmMajorVersion (37) must be used.
        writer.film_manifest(v37_id, film_manifest(v37_id, 37, 26))
        writer.film_chunk(v37_id, 26, 3, None, V37_CHUNK.read_bytes())
        writer.film_manifest(CORRUPT_ID, film_manifest(CORRUPT_ID, 38, 26))
        writer.film_chunk(CORRUPT_ID, 26, 3, 38, oddball[: len(oddball) // 2])
    first = run_dbt(root, db, "build")
    second = run_dbt(root, db, "build")

    relanded_db = root / "relanded.duckdb"
    shutil.copy(db, relanded_db)
    with landing_writer(relanded_db) as writer:  # the chunk fetched again, complete this time
        writer.film_chunk(CORRUPT_ID, 26, 3, 38, oddball)
    # Only landing.film_chunks changed: the film models and their tests are what can react.
    relanded = run_dbt(root, relanded_db, "build", "-s", "stg_halo__film_highlight_chunks+")

    refreshed_db = root / "refreshed.duckdb"
    shutil.copy(relanded_db, refreshed_db)
    refreshed = run_dbt(root, refreshed_db, "run", "--full-refresh", "-s", "int_film_chunk_decodes+")
    return FixtureFilms(root, db, fixtures.stats, first, second, relanded_db, relanded,
                        refreshed_db, refreshed, v37_id)


def test_build_passes_with_the_corrupt_chunk_reported_as_a_warning(films: FixtureFilms) -> None:
    run = films.first
    assert run.returncode == 0, run.output[-4000:]
    assert run.not_ok(allowed_warnings=("assert_films_decode_without_errors", "assert_csr_matches_in_a_season")) == {}
    assert run.status_of("assert_films_decode_without_errors") == "warn"
    for name in ("assert_film_chunks_decoded", "assert_film_events_and_pairs_complete",
                 "assert_film_reconciliation_complete", "assert_films_reconcile_with_stats"):
        assert run.status_of(name) == "pass"
    print(f"\nfixture build with films: {run.wall_s:.1f}s")


def test_decode_status_one_row_per_landed_chunk(films: FixtureFilms) -> None:
    rows = {r["match_id"]: r for r in query(films.db, "select * from main.fct_film_decodes")}
    assert set(rows) == {ODDBALL_ID, films.v37_id, CORRUPT_ID}
    corrupt = rows[CORRUPT_ID]
    assert not corrupt["is_decoded"] and "truncated zlib stream" in corrupt["decode_error"]
    assert (corrupt["event_count"], corrupt["pair_count"], corrupt["reconciled_players"]) == (0, 0, None)
    assert corrupt["film_matches_stats"] is None
    for match_id, version in ((ODDBALL_ID, 38), (films.v37_id, 37)):
        row = rows[match_id]
        assert row["is_decoded"] and row["decode_error"] is None and row["skipped_records"] == 0
        assert row["film_major_version"] == version and row["film_matches_stats"] is True
        assert row["reconcile_max_abs_diff"] == 0 and row["within_tolerance"] is True
    for match_id in (CORRUPT_ID,):
        for table in FILM_MARTS:
            assert query(films.db, f"select count(*) as n from main.{table} where match_id = ?",
                         [match_id]) == [{"n": 0}]


def test_event_counts_are_the_notice_counts(films: FixtureFilms) -> None:
    counts = {
        (r["match_id"], r["event_type"]): r["n"]
        for r in query(films.db, "select match_id, event_type, count(*) as n from main.fct_film_events group by all")
    }
    # NOTICE.md, v38 row: kill 203, death 203, mode 149, medal 85.
    assert {t: counts.get((ODDBALL_ID, t)) for t in ("kill", "death", "mode", "medal")} == {
        "kill": 203, "death": 203, "mode": 149, "medal": 85}
    # NOTICE.md: mode @24 s, kill @29 s, death @51 s, kill @70 s, medal "Nade Shot" @70 s, mode @70 s.
    v37 = query(films.db, "select * from main.fct_film_events where match_id = ? order by event_seq", [films.v37_id])
    assert [(r["event_seq"], r["event_type"], round(r["time_ms"] / 1000)) for r in v37] == [
        (0, "mode", 24), (1, "kill", 29), (2, "death", 51), (3, "kill", 70), (4, "medal", 70), (5, "mode", 70)]
    assert [r["medal_name"] for r in v37] == [None, None, None, None, "Nade Shot", None]
    assert {r["film_major_version"] for r in v37} == {37}


def test_events_equal_the_reference_decoder_with_team_ids_from_the_stats(films: FixtureFilms) -> None:
    expected_events = decode_reference(ODDBALL_CHUNK.read_bytes(), 38)
    humans = stats_per_human(films.stats[ODDBALL_ID])
    rows = query(films.db, "select * from main.fct_film_events where match_id = ? order by event_seq", [ODDBALL_ID])
    assert [(r["xuid"], r["gamertag"], r["event_type"], r["time_ms"], r["medal_code"], r["type_hint"])
            for r in rows] == [
        (str(e["xuid"]), e["gamertag"], e["event_type"], e["time_ms"], e["medal_code"], e["type_hint"])
        for e in expected_events]
    assert [r["medal_name"] for r in rows] == [e["medal_name"] for e in expected_events]
    assert all(len(r["xuid"]) == 16 and "\0" not in r["gamertag"] for r in rows)
    assert {(r["xuid"], r["team_id"]) for r in rows} == {(x, h[3]) for x, h in humans.items()}


def test_every_human_of_the_oddball_match_reconciles(films: FixtureFilms) -> None:
    for match_id in (ODDBALL_ID, films.v37_id):
        humans = stats_per_human(films.stats[match_id])
        rows = query(films.db, "select * from main.fct_film_reconciliation where match_id = ?", [match_id])
        assert {r["xuid"]: (r["stats_kills"], r["stats_deaths"], r["stats_medals"]) for r in rows} == {
            x: h[:3] for x, h in humans.items()}
        assert {r["xuid"]: (r["film_kills"], r["film_deaths"], r["film_medals"]) for r in rows} == {
            x: h[:3] for x, h in humans.items()}
        assert all(r["is_exact"] and r["in_stats"] and r["in_film"] and r["max_abs_diff"] == 0 for r in rows)
    assert len(stats_per_human(films.stats[ODDBALL_ID])) == 8


def test_pairs_equal_a_plain_greedy_pairing_of_the_reference_events(films: FixtureFilms) -> None:
    humans = stats_per_human(films.stats[ODDBALL_ID])
    expected = plain_pairs(decode_reference(ODDBALL_CHUNK.read_bytes(), 38))
    rows = query(films.db, "select * from main.fct_killer_victim_pairs where match_id = ? order by kill_seq", [ODDBALL_ID])
    assert [(r["kill_seq"], r["killer_xuid"], r["victim_xuid"], r["time_ms"], r["death_time_ms"]) for r in rows] == expected
    assert len(rows) == 203  # every kill of the oddball film finds a death within 5 ms
    for r in rows:
        killer_team, victim_team = humans[r["killer_xuid"]][3], humans[r["victim_xuid"]][3]
        assert (r["killer_team_id"], r["victim_team_id"]) == (killer_team, victim_team)
        assert r["is_suicide"] == (r["killer_xuid"] == r["victim_xuid"])
        assert r["is_team_kill"] == (not r["is_suicide"] and killer_team == victim_team)
        assert r["delta_ms"] == r["death_time_ms"] - r["time_ms"]
    # v37: the human's two kills are of a bot and their death is by a bot - nothing to pair.
    assert plain_pairs(decode_reference(V37_CHUNK.read_bytes(), 37)) == []
    assert query(films.db, "select count(*) as n from main.fct_killer_victim_pairs where match_id = ?",
                 [films.v37_id]) == [{"n": 0}]


def test_film_gamertags_feed_dim_players(films: FixtureFilms) -> None:
    film_gamertags = {str(e["xuid"]): e["gamertag"] for e in decode_reference(ODDBALL_CHUNK.read_bytes(), 38)}
    players = {r["xuid"]: r for r in query(films.db, "select * from main.dim_players")}
    profiled = {r["xuid"] for r in query(films.db, "select xuid from staging.stg_halo__players")}
    start = films.stats[ODDBALL_ID]["MatchInfo"]["StartTime"]
    for xuid, gamertag in film_gamertags.items():
        assert players[xuid]["gamertag"] == gamertag
        if xuid not in profiled:  # no fresher source: the film, seen at the match start
            assert players[xuid]["gamertag_source"] == "film"
            assert players[xuid]["gamertag_seen_at"] == datetime.fromisoformat(start).astimezone(UTC)


def test_second_build_decodes_and_writes_nothing(films: FixtureFilms) -> None:
    run = films.second
    assert run.returncode == 0, run.output[-4000:]
    assert run.not_ok(allowed_warnings=("assert_films_decode_without_errors", "assert_csr_matches_in_a_season")) == {}
    assert written_by(films.db, run) == {name: set() for name in ("int_film_chunk_decodes", *FILM_MARTS)}


def test_a_chunk_landed_again_is_the_only_one_decoded_again(films: FixtureFilms) -> None:
    run = films.relanded
    assert run.returncode == 0, run.output[-4000:]
    # The oddball film under the slayer match's stats: decodes now, disagrees with the stats.
    assert run.not_ok(allowed_warnings=("assert_films_reconcile_with_stats",)) == {}
    assert run.status_of("assert_films_reconcile_with_stats") == "warn"
    assert run.status_of("assert_films_decode_without_errors") == "pass"
    written = written_by(films.relanded_db, run)
    assert written == {
        "int_film_chunk_decodes": {CORRUPT_ID},
        "fct_film_events": {CORRUPT_ID},
        "fct_killer_victim_pairs": {CORRUPT_ID},
        "fct_film_reconciliation": {CORRUPT_ID},
    }
    (row,) = query(films.relanded_db, "select * from main.fct_film_decodes where match_id = ?", [CORRUPT_ID])
    assert row["is_decoded"] and row["event_count"] == 203 + 203 + 149 + 85
    film_xuids = {str(e["xuid"]) for e in decode_reference(ODDBALL_CHUNK.read_bytes(), 38)}
    strangers = film_xuids - set(stats_per_human(films.stats[CORRUPT_ID]))
    assert row["film_matches_stats"] is False and row["film_players_not_in_stats"] == len(strangers) > 0


def test_incremental_builds_equal_a_full_refresh(films: FixtureFilms) -> None:
    assert films.refreshed.returncode == 0, films.refreshed.output[-4000:]
    tables = ["intermediate.int_film_chunk_decodes", *(f"main.{t}" for t in FILM_MARTS),
              "main.fct_player_opponent_duels", "main.fct_player_antagonists", "main.dim_players"]
    for table in tables:
        columns = [r["column_name"] for r in query(
            films.relanded_db,
            "select column_name from information_schema.columns where table_schema || '.' || table_name = ?"
            " and column_name <> 'dbt_invocation_id' order by ordinal_position", [table])]
        select = f"select {', '.join(columns)} from {table}"
        incremental = query(films.relanded_db, select)
        refreshed = query(films.refreshed_db, select)
        assert Counter(map(repr, incremental)) == Counter(map(repr, refreshed)), table


# -- the demo career through the fake API ----------------------------------------------------------


@dataclass
class DemoFilms:
    db: Path
    career: Career
    first: DbtRun
    new_match_id: str
    second: DbtRun
    renamed_db: Path
    old_film_id: str
    renamed: DbtRun


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFilms:
    root = tmp_path_factory.mktemp("dbt_film_demo")
    db = root / "halo.duckdb"
    career = Career(CareerSpec.demo())
    with running(FakeHaloApi(career)) as server:
        outcome = ingest_once(server, db, DEMO_PLAYERS)
        assert outcome.code == 0, outcome.err[-2000:]
        first = run_dbt(root, db, "build")
        new_match_id = server.add_match(QUILL, template="oddball", film=True)
        outcome = ingest_once(server, db, DEMO_PLAYERS)
        assert outcome.code == 0, outcome.err[-2000:]
        second = run_dbt(root, db, "build")

    # Quill's oldest film (played as QuillTheBold) lands again, and nothing but films names them.
    renamed_db = root / "renamed.duckdb"
    shutil.copy(db, renamed_db)
    old_films = [m for m in career.history(int(QUILL)) if m.film]
    old_film_id = min(old_films, key=lambda m: m.start_ms).match_id
    execute(renamed_db, "delete from landing.players where xuid = ?", [QUILL])
    execute(renamed_db, "update landing.tracked_players set gamertag = null where xuid = ?", [QUILL])
    execute(renamed_db, "update landing.film_chunks set fetched_at = now(), landing_seq = nextval('landing.landing_seq')"
            " where match_id = ?", [old_film_id])
    renamed = run_dbt(root, renamed_db, "run", "-s", "int_film_chunk_decodes+")
    return DemoFilms(db, career, first, new_match_id, second, renamed_db, old_film_id, renamed)


def test_demo_every_film_decoded_paired_and_reconciled_exactly(demo: DemoFilms) -> None:
    run = demo.first
    assert run.returncode == 0, run.output[-4000:]
    assert run.not_ok() == {}
    landed = {r["match_id"] for r in query(demo.db, "select match_id from landing.match_payload_status "
                                                    "where endpoint = 'film_chunk' and status = 'landed'")}
    films = {m.match_id for m in demo.career.matches if m.film}
    assert landed == films and len(films) == 29 + 1  # CareerSpec.demo(): 29, plus the one added
    rows = query(demo.db, "select * from main.fct_film_decodes")
    assert {r["match_id"] for r in rows} == films
    assert all(r["is_decoded"] and r["skipped_records"] == 0 for r in rows)
    # The fake API guarantees films that reconcile exactly with their stats.
    assert all(r["film_matches_stats"] is True and r["reconcile_max_abs_diff"] == 0 for r in rows)
    pairs = Counter(r["match_id"] for r in query(demo.db, "select match_id from main.fct_killer_victim_pairs"))
    assert all(pairs[r["match_id"]] == r["pair_count"] for r in rows)
    assert sum(pairs.values()) > 0


def test_demo_antagonists_for_each_tracked_player(demo: DemoFilms) -> None:
    career = {r["player_xuid"]: r for r in query(
        demo.db, "select * from main.fct_player_antagonists where scope = 'career'")}
    assert set(career) == set(DEMO_PLAYERS)
    duels = query(demo.db, "select * from main.fct_player_opponent_duels")
    pairs = query(demo.db, "select * from main.fct_killer_victim_pairs "
                           "where not is_suicide and not coalesce(is_team_kill, false)")
    for xuid, row in career.items():
        assert row["nemesis_xuid"] is not None and row["victim_xuid"] is not None
        killed_me = Counter(p["killer_xuid"] for p in pairs if p["victim_xuid"] == xuid)
        i_killed = Counter(p["victim_xuid"] for p in pairs if p["killer_xuid"] == xuid)
        assert (row["total_deaths"], row["total_kills"]) == (sum(killed_me.values()), sum(i_killed.values()))
        assert row["nemesis_kills"] == max(killed_me.values()) == killed_me[row["nemesis_xuid"]]
        assert row["victim_kills"] == max(i_killed.values()) == i_killed[row["victim_xuid"]]
        mine = [d for d in duels if d["player_xuid"] == xuid and d["scope"] == "career"]
        assert {d["opponent_xuid"]: (d["my_kills"], d["their_kills"]) for d in mine} == {
            o: (i_killed[o], killed_me[o]) for o in set(killed_me) | set(i_killed)}


def test_demo_new_film_is_the_only_chunk_decoded(demo: DemoFilms) -> None:
    run = demo.second
    assert run.returncode == 0, run.output[-4000:]
    assert run.not_ok() == {}
    written = written_by(demo.db, run)
    assert written == {name: {demo.new_match_id} for name in ("int_film_chunk_decodes", *FILM_MARTS)}
    (row,) = query(demo.db, "select * from main.fct_film_decodes where match_id = ?", [demo.new_match_id])
    assert row["film_matches_stats"] is True and row["event_count"] > 0


def test_demo_film_gamertags_are_dated_by_match_start(demo: DemoFilms) -> None:
    observed = query(demo.db, "select * from intermediate.int_gamertag_observations "
                              "where seen_in = 'film' and xuid = ?", [QUILL])
    starts = {m.start_ms: m for m in demo.career.matches if m.film and int(QUILL) in m.humans}
    assert len(observed) == len(starts)
    for row in observed:
        start_ms = int(row["seen_at"].timestamp() * 1000)
        assert row["gamertag"] == demo.career.gamertag_at(int(QUILL), start_ms), row
    assert {r["gamertag"] for r in observed} == {"QuillTheBold", "Quill#4821"}


def test_demo_old_film_landing_late_does_not_regress_the_gamertag(demo: DemoFilms) -> None:
    run = demo.renamed
    assert run.returncode == 0, run.output[-4000:]
    assert written_by(demo.renamed_db, run)["int_film_chunk_decodes"] == {demo.old_film_id}
    old = query(demo.renamed_db, "select distinct gamertag from main.fct_film_events where match_id = ? and xuid = ?",
                [demo.old_film_id, QUILL])
    assert old == [{"gamertag": "QuillTheBold"}]
    (player,) = query(demo.renamed_db, "select * from main.dim_players where xuid = ?", [QUILL])
    latest = max((m for m in demo.career.matches if m.film and int(QUILL) in m.humans), key=lambda m: m.start_ms)
    assert (player["gamertag"], player["gamertag_source"]) == ("Quill#4821", "film")
    assert int(player["gamertag_seen_at"].timestamp() * 1000) == latest.start_ms


def test_demo_incremental_python_models_leave_no_tables_behind(demo: DemoFilms) -> None:
    # dbt-duckdb 1.11.1 writes an incremental Python model's new rows to a real table
    # `<model>__dbt_tmp<timestamp>` and never drops it (macros/python_model_temp_tables.sql).
    # The second build wrote the new match through all three Python models.
    written = written_by(demo.db, demo.second)
    assert written["int_film_chunk_decodes"] == {demo.new_match_id}
    for model in ("fct_player_match_sessions", "fct_performance_scores"):
        (row,) = query(demo.db, f"select count(*) as n from main.{model} where match_id = ?"
                                " and dbt_invocation_id = ?", [demo.new_match_id, demo.second.invocation_id])
        assert row["n"] > 0, model
    for db in (demo.db, demo.renamed_db):
        leftovers = query(db, "select table_schema, table_name from information_schema.tables"
                              " where table_name like '%dbt_tmp%' or table_name like '%dbt_backup%'")
        assert leftovers == [], db
