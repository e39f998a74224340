"""scripts/scheduled_run.sh against the fake API (base override + a refresh token for the fake).

It is what the scheduled GitHub workflow runs, so it is exercised here for real: sign-in from the
environment, ingest, `dbt build`, results kept, and a second run from the restored warehouse.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from test_auth_support import (
    DEMO_MAIN,
    REPO,
    AuthWorld,
    auth_world,
    files_under,
    leaks_in_files,
    leaks_in_warehouse,
)

SCRIPT = REPO / "scripts" / "scheduled_run.sh"
FAST_INGEST = "--rate 200 --profile-rate 200 --concurrency 16 --no-progress"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[AuthWorld]:
    with auth_world(tmp_path, accept_static_token=False) as w:
        yield w


def scheduled(world: AuthWorld, out: Path, **env: str | None) -> subprocess.CompletedProcess[str]:
    environment = world.env(
        HALO_REFRESH_TOKEN=world.service.issue_refresh_token() if "HALO_REFRESH_TOKEN" not in env else None,
        HALO_OUTPUT_DIR=str(out), HALO_INGEST_ARGS=FAST_INGEST, HALO_DB=None,
        **world.app_env(),
    )
    environment.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run(  # our own script, no arguments
        ["sh", str(SCRIPT)], cwd=world.tmp, env=environment,
        capture_output=True, text=True, timeout=600, check=False,
    )


def count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def dbt_failures(out: Path) -> list[str]:
    results = json.loads((out / "run_results.json").read_text())["results"]
    assert results, "dbt ran nothing"
    # An exposure (the report) runs nothing: dbt lists it as no-op.
    return [f"{r['unique_id']}: {r['status']}" for r in results
            if r["status"] not in ("success", "pass") and not r["unique_id"].startswith("exposure.")]


@pytest.mark.dbt
def test_ingest_then_dbt_build_then_again_from_the_restored_warehouse(world: AuthWorld) -> None:
    refresh = world.service.issue_refresh_token()
    first_out = world.tmp / "run1"
    first = scheduled(world, first_out, HALO_REFRESH_TOKEN=refresh, HALO_PLAYERS="Demo Spartan",
                      HALO_FULL_AUDIT="never")
    assert first.returncode == 0, first.stderr[-3000:]
    warehouse = first_out / "halo.duckdb"
    assert warehouse.is_file()
    matches = count(warehouse, "select count(distinct match_id) from landing.match_history")
    assert matches >= 60
    assert count(warehouse, "select count(*) from landing.match_stats") == matches
    # dbt: needs the models of the dbt engineers; a failure here is theirs or ours, both shown.
    assert (first_out / "target" / "run_results.json").is_file()
    assert dbt_failures(first_out) == []
    assert count(warehouse, "select count(*) from main.dim_matches") == matches
    kinds = {r["unique_id"].split(".")[0] for r in json.loads((first_out / "run_results.json").read_text())["results"]}
    # Unit tests are `make test`'s, not every refresh's; the exposure (the report) is a no-op node.
    assert kinds == {"seed", "model", "test", "exposure"}
    report = (first_out / "report.html").read_text(encoding="utf-8")
    assert "<h2>Demo Spartan</h2>" in report and "Not available yet: no match" not in report

    # Later: one new match; the next run restores the previous warehouse and tracks from it.
    new_match = world.server.add_match(DEMO_MAIN)
    second_out = world.tmp / "run2"
    second = scheduled(world, second_out, HALO_REFRESH_TOKEN=refresh, HALO_RESTORE_FROM=str(first_out),
                       HALO_FULL_AUDIT="always")
    assert second.returncode == 0, second.stderr[-3000:]
    # The weekly full audit (here forced): the reconciliation tests read every match.
    assert "dbt build (full audit)" in second.stderr and "dbt build (full audit)" not in first.stderr
    assert "restored the warehouse from" in second.stderr and "every tracked player" in second.stderr
    rebuilt = second_out / "halo.duckdb"
    assert count(rebuilt, "select count(distinct match_id) from landing.match_history") == matches + 1
    assert count(rebuilt, f"select count(*) from main.dim_matches where match_id = '{new_match}'") == 1
    assert dbt_failures(second_out) == []
    # The second run reused the Spartan token the first one cached.
    assert world.server.count(endpoint="spartan_token") == 1

    secrets = [*world.secrets(), refresh]
    output = first.stdout + first.stderr + second.stdout + second.stderr
    assert [s[:12] for s in secrets if s in output] == []
    assert leaks_in_warehouse(rebuilt, secrets) == []
    written = [p for p in files_under(world.tmp) if p != world.config]
    assert any(p.name == "dbt.log" for p in written)
    assert leaks_in_files(written, secrets) == []


def test_a_refused_sign_in_fails_the_run_with_one_line(world: AuthWorld) -> None:
    out = world.tmp / "run"
    run = scheduled(world, out, HALO_REFRESH_TOKEN="fake-refresh-revoked-long-ago", HALO_PLAYERS="Demo Spartan")
    assert run.returncode == 3
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "halo auth login" in errors[0]
    assert "fake-refresh-revoked-long-ago" not in run.stdout + run.stderr
    assert not (out / "halo.duckdb").exists() and "nothing to build" in run.stderr


def test_players_are_split_on_commas_only(world: AuthWorld) -> None:
    out = world.tmp / "run"
    run = scheduled(world, out, HALO_PLAYERS=" Demo Spartan ,, not a_valid*tag ",
                    HALO_INGEST_ARGS=FAST_INGEST + " --max-matches 1")
    # The second name is refused by the ingester as a whole (it was not split on its spaces).
    assert run.returncode == 2
    assert "'not a_valid*tag' is neither a gamertag" in run.stderr


def test_an_unknown_full_audit_schedule_stops_before_anything_runs(world: AuthWorld) -> None:
    out = world.tmp / "run"
    run = scheduled(world, out, HALO_FULL_AUDIT="sometimes")
    assert run.returncode == 2
    assert "HALO_FULL_AUDIT must be weekly, always or never (got 'sometimes')" in run.stderr
    assert not (out / "halo.duckdb").exists()
