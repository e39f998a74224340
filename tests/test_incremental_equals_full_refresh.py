"""Incremental equals full refresh, for the player and competitive marts, over random ingest orders.

Each scenario runs the real ingester against the fake API (demo career) in steps and a real
`dbt build` after each step, then compares every row of the player marts (sessions, scores, and
the progress marts: citation evaluations and citations, the friends' impact, streaks) and of the
six competitive marts (bookkeeping column dbt_invocation_id aside) with a `dbt build
--full-refresh` of a copy of the same DuckDB file. The steps, in a random order with random sizes
per seed:

* partial: a subset of the players, only their newest k matches, skill failing for some matches,
  and no films (they land with the next step: matches gaining their film later);
* late: an "ancient" match that becomes the first of main's first session (its session id
  changes, every later score changes) and a match slipped between two old ones, then everything;
* skill: the failing skill payloads land (MMR → rank_perf → that score and every later one);
* friends: friends declared (by gamertag in any case, by xuid, one unresolvable) between builds;
* normal (always last): new matches after the newest, with their films; the build must write
  only their rows (rows carrying the build's invocation id), the sessions they belong to, the
  progress rows of the players who played them and, of the competitive marts, only the new
  matches' rows and the summaries of the players in them.

Builds select the player and competitive marts with everything upstream, but run only the player
tests (the upstream models' own tests are covered by test_dbt_models.py, the competitive ones by
test_dbt_competitive.py): about 5 s instead of 10 s each.
"""

from __future__ import annotations

import os
import random
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from fake_halo import (
    DEFAULT_TOKEN,
    Career,
    CareerSpec,
    FakeHaloApi,
    FaultConfig,
    FaultRule,
    RunningServer,
    running,
)
from fake_halo.templates import LIFECYCLE_MATCHMADE
from ingest.store.tracking import find_tracked, list_tracked, update_friends
from ingest.store.warehouse import open_warehouse

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.dbt_harness import DbtRun, run_dbt
    from support.ingest_harness import ingest_once
except ModuleNotFoundError:  # tests/ is a package: the project root is on sys.path
    from tests.support.dbt_harness import DbtRun, run_dbt
    from tests.support.ingest_harness import ingest_once

pytestmark = pytest.mark.dbt

MAIN, NIMBUS, QUILL = "2533274900000042", "2533274911112233", "2535400000004821"
PLAYERS = (MAIN, NIMBUS, QUILL)
TABLES = {
    "fct_player_match_sessions": ("player_xuid", "match_id"),
    "fct_performance_scores": ("player_xuid", "match_id"),
    "fct_sessions": ("session_id",),
    "prep_player_citation_evaluations": ("player_xuid", "match_id", "citation_id"),
    "fct_match_citations": ("player_xuid", "match_id", "citation_id"),
    "fct_player_citations": ("player_xuid", "citation_id"),
    "fct_match_friend_impact": ("player_xuid", "match_id", "xuid"),
    "fct_session_friend_impact": ("session_id", "xuid"),
    "fct_player_streaks": ("player_xuid", "first_match_id"),
    "fct_player_streak_summary": ("player_xuid", "scope", "playlist_asset_id", "streak_kind"),
    "fct_player_csr": ("player_xuid", "match_id"),
    "fct_player_match_expectations": ("player_xuid", "match_id"),
    "fct_player_csr_seasons": ("player_xuid", "playlist_id", "csr_season_id"),
    "fct_player_map_modes": ("player_xuid", "scope", "map_asset_id", "mode_label", "playlist_id"),
    "fct_player_map_mode_rankings": ("player_xuid", "scope", "map_asset_id", "mode_label"),
    "fct_player_teammates": ("player_xuid", "xuid"),
}
PER_MATCH_COMPETITIVE = ("fct_player_csr", "fct_player_match_expectations")
PER_PLAYER_COMPETITIVE = ("fct_player_csr_seasons", "fct_player_map_modes", "fct_player_map_mode_rankings",
                          "fct_player_teammates")
SCHEMAS = {"prep_player_citation_evaluations": "intermediate"}  # the others are marts (main)
BOOKKEEPING = "dbt_invocation_id"
SELECT = [
    "--select",
    "+path:models/player,resource_type:model", "+path:models/player,resource_type:seed",
    "+path:models/competitive,resource_type:model", "+path:models/competitive,resource_type:seed",
    "path:models/player", "path:tests/dbt/assert_player_*",
    "--indirect-selection", "empty",
]
MIDDLE_STEPS = ("late", "skill", "friends")


class Scenario:
    def __init__(self, root: Path, server: RunningServer, rng: random.Random) -> None:
        self.root, self.server, self.rng = root, server, rng
        self.db = root / "halo.duckdb"
        self.builds = 0
        self.late_done = False
        history = server.api.career.history(int(MAIN))  # newest first
        self.main_history = history
        self.window = rng.randint(8, 20)  # the partial ingests' --max-matches
        matchmade = [m.match_id for m in history[:30]
                     if server.api.career.template(m).lifecycle_mode == LIFECYCLE_MATCHMADE]
        self.skill_failing = rng.sample(matchmade, 3)
        self.subset = [MAIN, *rng.sample([NIMBUS, QUILL], rng.randint(0, 2))]

    # -- steps -------------------------------------------------------------------------------
    def ingest(self, players: list[str], max_matches: int | None, *, film: bool = True) -> None:
        outcome = ingest_once(self.server, self.db, players, max_matches=max_matches, film=film)
        # A skill payload failing on purpose makes the run report failures (non-zero exit);
        # anything else failing is a broken scenario.
        assert outcome.code in (0, 1), outcome.err[-2000:]

    def partial(self) -> None:
        rules = tuple(FaultRule("status", status=500, endpoint="skill", path_regex=m)
                      for m in self.skill_failing)
        self.server.set_faults(FaultConfig(rules=rules))
        self.ingest(self.subset, self.window, film=False)

    def late(self) -> None:
        earliest = min(m.start_ms for m in self.main_history)
        # 30 min before main's very first match: it becomes that session's first match.
        self.server.add_match(MAIN, start=_at(earliest - 30 * 60_000))
        # 3 min after the 8th newest: slips into an old session (with or without a friend).
        eighth = self.main_history[7].start_ms
        mates = self.rng.choice([[], [NIMBUS]])
        self.server.add_match(MAIN, teammates=mates, start=_at(eighth + 3 * 60_000))
        # main's last listing stopped at --max-matches, so this one pages to the end.
        self.ingest(list(PLAYERS), None)
        self.late_done = True

    def skill(self) -> None:
        self.server.set_faults(FaultConfig())
        # Before "late", keep the partial window so main's listing stays incomplete (and "late"
        # pages back to the ancient match); the failed skill fetches in it are retried. After
        # "late", every listed match is retried.
        self.ingest(self.subset, None if self.late_done else self.window)

    def friends(self) -> None:
        con = open_warehouse(self.db)
        try:
            declared = self.rng.choice([
                ["nimbus crow", QUILL],
                ["NIMBUS CROW"],
                [NIMBUS, "quill#4821", "NoSuchSpartan"],
            ])
            update_friends(con, find_tracked(con, MAIN), add=declared, remove=[], clear=True)
            tracked = {p.xuid for p in list_tracked(con)}
            if NIMBUS in tracked:
                update_friends(con, find_tracked(con, NIMBUS), add=[MAIN], remove=[], clear=True)
        finally:
            con.close()

    def normal(self) -> list[str]:
        """New matches after the newest: main alone, and main with Nimbus when Nimbus has
        declared friends (a top-2 player's friend set could move with any new match)."""
        con = open_warehouse(self.db)
        try:
            nimbus_declared = any(p.xuid == NIMBUS and p.friends for p in list_tracked(con))
        finally:
            con.close()
        # Oddball: a template with a recorded film, so the new matches bring their films.
        new = [self.server.add_match(MAIN, template="oddball", film=True)]
        if nimbus_declared:
            new.append(self.server.add_match(MAIN, template="oddball", teammates=[NIMBUS], film=True))
        self.ingest(list(PLAYERS), None)
        return new

    # -- dbt ---------------------------------------------------------------------------------
    def build(self, db: Path | None = None, *extra: str) -> DbtRun:
        self.builds += 1
        build = run_dbt(self.root, db or self.db, "build", *SELECT, *extra, target=f"target_{self.builds}")
        bad = build.not_ok(any_warning=True)
        assert build.returncode == 0 and not bad, (bad, build.output[-3000:])
        return build


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def table_rows(db: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        keys = ", ".join(TABLES[table])
        return con.execute(
            f"select * exclude ({BOOKKEEPING}) from {SCHEMAS.get(table, 'main')}.{table} "
            f"order by {keys} nulls first"
        ).fetchall()
    finally:
        con.close()


def written_by(db: Path, table: str, invocation_id: str, columns: tuple[str, ...] | None = None
               ) -> set[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        keys = ", ".join(columns or TABLES[table])
        return set(con.execute(
            f"select distinct {keys} from {SCHEMAS.get(table, 'main')}.{table} "
            f"where {BOOKKEEPING} = ?", [invocation_id]
        ).fetchall())
    finally:
        con.close()


def citation_ids(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r[0] for r in con.execute(
            "select citation_id from reference.citation_definitions").fetchall()}
    finally:
        con.close()


def session_ids_of(db: Path, rows: set[tuple]) -> set[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = con.execute(
            "select player_xuid, match_id, session_id from main.fct_player_match_sessions"
        ).fetchall()
    finally:
        con.close()
    return {(sid,) for player, match, sid in got if (player, match) in rows}


# Two random ingest orders in `make test` (each ~50 s of real dbt builds); more on demand:
# HALO_PROPERTY_SEEDS=1,2,3,4,5,6 .venv/bin/pytest tests/test_incremental_equals_full_refresh.py
SEEDS = [int(s) for s in os.environ.get("HALO_PROPERTY_SEEDS", "1,2").split(",") if s.strip()]


@pytest.mark.parametrize("seed", SEEDS)
def test_incremental_builds_equal_a_full_refresh(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    api = FakeHaloApi(Career(CareerSpec.demo()), token=DEFAULT_TOKEN)
    with running(api) as server:
        scenario = Scenario(tmp_path, server, rng)
        middle = rng.sample(MIDDLE_STEPS, len(MIDDLE_STEPS))
        print(f"\nseed {seed}: players {scenario.subset}, window {scenario.window}, "
              f"skill failing {len(scenario.skill_failing)}, then {middle} and normal")

        scenario.partial()
        scenario.build()
        for step in middle:
            getattr(scenario, step)()
            scenario.build()

        new_matches = scenario.normal()
        last = scenario.build()

    # The normal case touches only the new rows, and only the sessions holding them.
    con = duckdb.connect(str(scenario.db), read_only=True)
    try:
        tracked = {r[0] for r in con.execute("select xuid from landing.tracked_players").fetchall()}
        new_rows = {
            (xuid, match_id)
            for xuid, match_id in con.execute(
                "select xuid, match_id from main.fct_match_players where match_id in "
                f"({', '.join('?' for _ in new_matches)})", new_matches
            ).fetchall()
            if xuid in tracked
        }
    finally:
        con.close()
    assert new_rows and {p for p, _ in new_rows} >= {MAIN}
    for table in ("fct_player_match_sessions", "fct_performance_scores"):
        assert written_by(scenario.db, table, last.invocation_id) == new_rows, table
    assert written_by(scenario.db, "fct_sessions", last.invocation_id) == session_ids_of(
        scenario.db, new_rows)
    # Progress: every citation of the new rows evaluated and nothing else; the new films' impact
    # and the sessions holding them; the streaks of the players who played.
    citations = citation_ids(scenario.db)
    assert written_by(scenario.db, "prep_player_citation_evaluations", last.invocation_id) == {
        (p, m, c) for p, m in new_rows for c in citations}
    assert {(p, m) for p, m, _ in written_by(
        scenario.db, "fct_match_citations", last.invocation_id)} <= new_rows
    assert {p for p, _ in written_by(scenario.db, "fct_player_citations", last.invocation_id)} <= {
        p for p, _ in new_rows}
    assert written_by(scenario.db, "fct_match_friend_impact", last.invocation_id,
                      ("player_xuid", "match_id")) == new_rows
    assert written_by(scenario.db, "fct_session_friend_impact", last.invocation_id,
                      ("session_id",)) == session_ids_of(scenario.db, new_rows)
    for table in ("fct_player_streaks", "fct_player_streak_summary"):
        assert written_by(scenario.db, table, last.invocation_id, ("player_xuid",)) == {
            (p,) for p, _ in new_rows}, table
    # Competitive: the new matches' rows (those that qualify), the summaries of their players only.
    for table in PER_MATCH_COMPETITIVE:
        written = written_by(scenario.db, table, last.invocation_id)
        assert written <= new_rows, table
    assert written_by(scenario.db, "fct_player_match_expectations", last.invocation_id) == new_rows
    players = {p for p, _ in new_rows}
    for table in PER_PLAYER_COMPETITIVE:
        assert {row[0] for row in written_by(scenario.db, table, last.invocation_id)} == players, table

    # Every row equals a full refresh of a copy of the same file.
    copy = tmp_path / "halo_full.duckdb"
    shutil.copy(scenario.db, copy)
    wal = scenario.db.with_name(scenario.db.name + ".wal")
    if wal.exists():
        shutil.copy(wal, copy.with_name(copy.name + ".wal"))
    scenario.build(copy, "--full-refresh")
    for table in TABLES:
        incremental, full = table_rows(scenario.db, table), table_rows(copy, table)
        assert len(incremental) == len(full), table
        diff = [(a, b) for a, b in zip(incremental, full, strict=True) if a != b]
        assert not diff, (table, diff[:3])
    # Non-trivial: the late matches, the friends and the scores all made it in.
    sessions = table_rows(scenario.db, "fct_player_match_sessions")
    assert len(sessions) >= 119 + 2
    assert any(row[7] == "declared" for row in sessions)  # friends_mode
