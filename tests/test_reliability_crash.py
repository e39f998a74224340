"""Crash safety end to end: an ingest killed with SIGKILL at several points, resumed, then built by
dbt, gives exactly the warehouse an uninterrupted run gives."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from support.ingest_harness import DEMO_FRIEND, DEMO_MAIN, halo_subprocess, ingest_once, scalar
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
        killed_at = []
        for wait_s in (0.8, 1.6, 2.4):  # three runs killed at different points
            run = halo_subprocess(["ingest", "-p", DEMO_MAIN, "-p", DEMO_FRIEND, "--rate", "20"], server, crashed)
            time.sleep(wait_s)
            run.kill()
            run.communicate(timeout=10)
            assert run.returncode == -signal.SIGKILL
            killed_at.append(scalar(crashed, "select count(*) from landing.match_stats") if crashed.exists() else 0)
        server.set_faults(FaultConfig())
        final = halo_subprocess(["ingest", "--rate", "200"], server, crashed)
        _, err = final.communicate(timeout=60)
        assert final.returncode == 0, err
        build(crashed, tmp_path / "crash")
    assert killed_at[-1] < 92  # the kills did interrupt the work (92 = both players' distinct matches)
    reference_marts, crashed_marts = mart_snapshot(reference), mart_snapshot(crashed)
    assert reference_marts.keys() == crashed_marts.keys() and "fct_match_players" in reference_marts
    for table in reference_marts:
        assert crashed_marts[table] == reference_marts[table], table
