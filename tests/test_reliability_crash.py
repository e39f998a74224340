"""Crash safety end to end: an ingest killed with SIGKILL at several points, resumed, then built by
dbt, gives exactly the warehouse an uninterrupted run gives."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from support.ingest_harness import (
    DEMO_FRIEND,
    DEMO_MAIN,
    halo_subprocess,
    hold_stats_of,
    ingest_once,
    scalar,
    wait_for_requests,
)
from support.warehouse_compare import mart_snapshot

from fake_halo import Career, CareerSpec, FakeHaloApi, FaultConfig, running
from ingest.transform.dbt_runner import run_dbt

pytestmark = pytest.mark.dbt


def build(db: Path, tmp: Path) -> None:
    result = run_dbt(["build"], db, target_path=tmp / "target", log_path=tmp / "logs")
    assert result.returncode == 0, result.failures or result.output[-2000:]


def test_killed_runs_converge_to_the_uninterrupted_warehouse(tmp_path: Path) -> None:
    players = [DEMO_MAIN, DEMO_FRIEND]
    with running(FakeHaloApi(Career(CareerSpec.demo()))) as server:
        reference = tmp_path / "uninterrupted.duckdb"
        assert ingest_once(server, reference, players).code == 0
        build(reference, tmp_path / "ref")

    api = FakeHaloApi(Career(CareerSpec.demo()), faults=FaultConfig(latency_ms=15))
    with running(api) as server:
        crashed = tmp_path / "crashed.duckdb"
        # The oldest match's stats are held while the runs are killed: none of them can finish.
        oldest = server.api.career.history(int(DEMO_MAIN))[-1].match_id
        server.set_faults(FaultConfig(latency_ms=15, rules=(hold_stats_of(oldest),)))
        killed_at = []
        for new_stats in (1, 12, 24):  # three runs killed at different points of their progress
            before = server.count(endpoint="stats")
            run = halo_subprocess(["ingest", "-p", DEMO_MAIN, "-p", DEMO_FRIEND, "--rate", "20"], server, crashed)
            wait_for_requests(server, "stats", before + new_stats)
            run.kill()
            run.communicate(timeout=60)
            assert run.returncode == -signal.SIGKILL
            killed_at.append(scalar(crashed, "select count(*) from landing.match_stats") if crashed.exists() else 0)
        server.set_faults(FaultConfig())
        final = halo_subprocess(["ingest", "--rate", "200"], server, crashed)
        _, err = final.communicate(timeout=120)
        assert final.returncode == 0, err
        build(crashed, tmp_path / "crash")
    assert killed_at[-1] < 92  # the kills did interrupt the work (92 = both players' distinct matches)
    assert killed_at[0] <= killed_at[1] <= killed_at[2]  # nothing landed is lost by a later kill
    reference_marts, crashed_marts = mart_snapshot(reference), mart_snapshot(crashed)
    assert reference_marts.keys() == crashed_marts.keys() and "fct_match_players" in reference_marts
    for table in reference_marts:
        assert crashed_marts[table] == reference_marts[table], table
