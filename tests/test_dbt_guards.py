"""The checks a sync build keeps with fewer nodes still fire (docs/incremental.md, "What a sync build
checks").

One fixture warehouse built once (a sync's `dbt build`: no unit tests); each scenario works on a
copy of it and lands or tampers with exactly one thing:

* constraint path: a staging row with a negative duration (the ISO 8601 parser never makes one: a
  guard on our own computation, so the row is tampered with) is refused by dim_matches' enforced
  CHECK constraint: the model errors with DuckDB's constraint message and keeps what it had;
* multi-rule assertion path: a duplicated key in stg_halo__match_stats fails its one (error-level)
  row_rules test, whose failing rows name the rule, `unique(match_id)`; nothing downstream is built;
  a table of many rows a match (fct_match_players: no primary-key index) checks its key there too;
* the API's values only warn: a re-fetched stats payload without StartTime builds, with warnings
  (stg_halo__match_stats_row_rules_warn, dim_matches_row_rules_warn, assert_payloads_well_formed),
  a NULL start time in dim_matches and no row in the player domain;
* full-audit path: a medal count changed in fct_medals for a match no build rewrites is not seen by
  a sync build (which checks the matches it wrote), and fails the same build run with
  `--vars '{full_audit: true}'`, as scripts/scheduled_run.sh runs it once a week.
"""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from ingest.transform.dbt_runner import SYNC_BUILD_ARGS

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.dbt_harness import DbtRun, query, run_dbt
    from support.fixture_warehouse import (
        FixtureWarehouse,
        build_fixture_warehouse,
        compact,
        landing_writer,
    )
except ModuleNotFoundError:  # tests/ is a package: the project root is on sys.path
    from tests.support.dbt_harness import DbtRun, query, run_dbt
    from tests.support.fixture_warehouse import (
        FixtureWarehouse,
        build_fixture_warehouse,
        compact,
        landing_writer,
    )

pytestmark = pytest.mark.dbt


@dataclass
class Built:
    root: Path
    fixtures: FixtureWarehouse

    def copy(self, name: str) -> Path:
        path = self.root / f"{name}.duckdb"
        shutil.copyfile(self.fixtures.path, path)
        return path

    def dbt(self, db: Path, *args: str) -> DbtRun:
        return run_dbt(self.root, db, *args)

    def match_id(self) -> str:
        """A match that has medals (the fixtures' first, in a stable order)."""
        return sorted(self.fixtures.stats)[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("dbt_guards")
    fixtures = build_fixture_warehouse(root / "halo.duckdb")
    first = run_dbt(root, fixtures.path, "build", *SYNC_BUILD_ARGS)
    assert first.returncode == 0, first.output[-4000:]
    assert first.not_ok(any_warning=True) == {}
    return Built(root, fixtures)


def reland_stats(db: Path, payload: dict) -> None:
    with landing_writer(db) as writer:
        writer.match_stats(payload["MatchId"], compact(payload))


def tamper(db: Path, sql: str, params: list) -> None:
    con = duckdb.connect(str(db))
    try:
        con.execute(sql, params)
    finally:
        con.close()


def test_an_enforced_constraint_refuses_a_row_that_breaks_our_own_rule(built: Built) -> None:
    db = built.copy("constraint")
    match_id = built.match_id()
    # A negative duration, and a new landing_seq so that dim_matches rebuilds the match.
    tamper(db, "update staging.stg_halo__match_stats set duration_seconds = -1, landing_seq = landing_seq + 1000000 "
               "where match_id = ?", [match_id])

    run = built.dbt(db, "build", "--select", "dim_matches", *SYNC_BUILD_ARGS)

    assert run.returncode != 0
    assert run.status_of("dim_matches") == "error"
    message = run.result_of("dim_matches")["message"]
    assert "CHECK constraint failed" in message and "duration_seconds >= 0" in message, message
    # The table kept what the previous build wrote: DuckDB refused the whole insert.
    kept = query(db, "select duration_seconds > 0 as positive from main.dim_matches where match_id = ?", [match_id])
    assert kept == [{"positive": True}]


def test_a_duplicate_key_is_refused_by_the_table_itself(built: Built) -> None:
    db = built.copy("duplicate")
    con = duckdb.connect(str(db))
    try:
        with pytest.raises(duckdb.ConstraintException, match="(?i)duplicate key"):
            con.execute("insert into main.dim_matches select * from main.dim_matches limit 1")
        with pytest.raises(duckdb.ConstraintException, match="(?i)not null"):
            con.execute("update main.dim_matches set stats_landing_seq = null where match_id = ?", [built.match_id()])
    finally:
        con.close()


def test_a_table_of_many_rows_a_match_checks_its_key_in_row_rules(built: Built) -> None:
    """fct_match_players has no primary-key index (docs/incremental.md): its row_rules test
    carries the key, and a duplicated row fails it, naming the rule."""
    db = built.copy("many_rows_key")
    tamper(db, "insert into main.fct_match_players select * from main.fct_match_players where match_id = ? limit 1",
           [built.match_id()])

    run = built.dbt(db, "test", "--select", "fct_match_players_row_rules")

    assert run.returncode != 0
    (uid, result), = run.results.items()
    assert result["status"] == "fail" and result["failures"] == 2, run.not_ok()
    rows = query(db, f"select failed_rule, match_id from ({result['compiled_code']})")
    assert {r["failed_rule"] for r in rows} == {"unique(match_id, player_id)"}
    assert {r["match_id"] for r in rows} == {built.match_id()}


def test_one_row_rules_test_names_the_rule_a_row_breaks(built: Built) -> None:
    db = built.copy("row_rules")
    match_id = built.match_id()
    tamper(db, "insert into staging.stg_halo__match_stats select * from staging.stg_halo__match_stats where match_id = ?",
           [match_id])

    run = built.dbt(db, "build", "--select", "stg_halo__match_stats+1", *SYNC_BUILD_ARGS)

    assert run.returncode != 0
    failed = {uid: r for uid, r in run.results.items() if r["status"] == "fail"}
    assert len(failed) == 1, run.not_ok()
    (uid, result), = failed.items()
    assert uid.startswith("test.halo_warehouse.stg_halo__match_stats_row_rules.")
    assert result["failures"] == 2  # both rows of the duplicated key
    # Nothing downstream of a failed test is built: every selected child of staging is skipped.
    children = {uid: status for uid, status in run.statuses("model").items() if uid != "model.halo_warehouse.stg_halo__match_stats"}
    assert children and set(children.values()) == {"skipped"}, children
    rows = query(db, f"select failed_rule, match_id from ({result['compiled_code']})")
    assert rows == [{"failed_rule": "unique(match_id)", "match_id": match_id}] * 2


def test_a_payload_without_a_start_time_builds_with_warnings(built: Built) -> None:
    db = built.copy("no_start_time")
    payload = copy.deepcopy(built.fixtures.stats[built.match_id()])
    del payload["MatchInfo"]["StartTime"]
    reland_stats(db, payload)

    run = built.dbt(db, "build", *SYNC_BUILD_ARGS)

    assert run.returncode == 0, run.output[-4000:]
    warned = {name for name in ("stg_halo__match_stats_row_rules_warn", "dim_matches_row_rules_warn",
                                "assert_payloads_well_formed") if run.status_of(name) == "warn"}
    assert warned == {"stg_halo__match_stats_row_rules_warn", "dim_matches_row_rules_warn", "assert_payloads_well_formed"}
    assert {uid: s for uid, s in run.statuses().items() if s in ("fail", "error", "skipped")} == {}
    [match] = query(db, "select start_time, end_time, is_end_time_derived from main.dim_matches where match_id = ?",
                    [payload["MatchId"]])
    # The payload still has its EndTime: the end time is the API's, only the start is unknown.
    assert match["start_time"] is None and match["end_time"] is not None and match["is_end_time_derived"] is False
    assert query(db, "select count(*) as n from intermediate.prep_player_match_inputs where match_id = ?",
                 [payload["MatchId"]]) == [{"n": 0}]


def test_a_sync_checks_what_it_wrote_and_the_full_audit_checks_everything(built: Built) -> None:
    db = built.copy("audit")
    tampered, rewritten = sorted(built.fixtures.stats)[:2]
    changed = query(db, "select medal_name_id from main.fct_medals where match_id = ? order by medal_name_id limit 1",
                    [tampered])
    assert changed, "the fixture match has no medals"
    con = duckdb.connect(str(db))
    try:
        con.execute("update main.fct_medals set medal_count = medal_count + 1 where match_id = ? and medal_name_id = ?",
                    [tampered, changed[0]["medal_name_id"]])
    finally:
        con.close()
    reland_stats(db, built.fixtures.stats[rewritten])  # the sync has one match to rewrite

    sync = built.dbt(db, "build", *SYNC_BUILD_ARGS)
    assert sync.returncode == 0, sync.output[-4000:]
    assert sync.status_of("assert_medal_counts_match_stats") == "pass"
    written = query(db, "select distinct match_id from main.fct_medals where dbt_invocation_id = ?", [sync.invocation_id])
    assert written == [{"match_id": rewritten}]

    audit = built.dbt(db, "build", *SYNC_BUILD_ARGS, "--vars", "{full_audit: true}")
    assert audit.returncode != 0
    assert audit.status_of("assert_medal_counts_match_stats") == "fail"
    assert audit.result_of("assert_medal_counts_match_stats")["failures"] == 1
    # The one failure (what depends on the failed test is skipped, warnings are the fixtures' own).
    broken = {uid for uid, status in audit.statuses().items() if status in ("fail", "error")}
    assert broken == {uid for uid in audit.results if uid.startswith("test.halo_warehouse.assert_medal_counts_match_stats")}
