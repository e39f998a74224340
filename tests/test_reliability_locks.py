"""Concurrent access to the one DuckDB file: a clear message or a bounded wait, never a traceback,
never corruption."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.ingest_harness import DEMO_MAIN, halo_cli, ingest_once, scalar
from support.warehouse_lock import hold

from fake_halo import Career, CareerSpec, FakeHaloApi, RunningServer, running
from ingest.transform.dbt_runner import run_dbt


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running(FakeHaloApi(Career(CareerSpec.demo()))) as handle:
        yield handle


@pytest.fixture(scope="module")
def landed(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("locks") / "halo.duckdb"
    assert ingest_once(server, db, profiles="none").code == 0
    return db


def env(server: RunningServer, db: Path) -> dict[str, str]:
    return {"HALO_API_BASE_URL": server.base_url, "HALO_SPARTAN_TOKEN": "demo-spartan-token", "HALO_DB": str(db)}


@pytest.mark.parametrize("mode", ["rw", "ro"])
def test_a_second_ingest_gets_one_clear_line(server: RunningServer, landed: Path, mode: str) -> None:
    holder = hold(landed, mode, 600)  # until killed: a writer, or a notebook that opened it read-only
    try:
        started = time.monotonic()
        result = halo_cli(["ingest", "--profiles", "none"], env(server, landed))
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.code == 5
    assert result.err.count("\n") == 1 and result.err.startswith(f"error: another process holds the warehouse {landed}")
    assert "Traceback" not in result.err + result.out
    assert 4 <= waited < 60  # it waited a bounded time for the lock before giving up


def test_halo_build_while_locked_is_one_clear_line(server: RunningServer, landed: Path) -> None:
    holder = hold(landed, "rw", 600)
    try:
        result = halo_cli(["build", "--wait", "1"], env(server, landed))
    finally:
        holder.kill()
        holder.wait()
    assert result.code == 5
    assert result.err.count("\n") == 1 and result.err.startswith("error: another process holds the warehouse")


def test_status_while_an_ingest_runs_gets_one_clear_line(server: RunningServer, landed: Path) -> None:
    holder = hold(landed, "rw", 600)
    try:
        result = halo_cli(["status"], env(server, landed))
    finally:
        holder.kill()
        holder.wait()
    assert result.code == 5 and result.err.startswith("error: another process holds the warehouse")


def test_an_ingest_waits_for_a_short_lock(server: RunningServer, landed: Path) -> None:
    holder = hold(landed, "ro", 1.5)  # a notebook that closes promptly
    try:
        result = halo_cli(["ingest", "--profiles", "none"], env(server, landed))
    finally:
        holder.wait()
    assert result.code == 0, result.err


def test_dbt_build_while_locked_fails_cleanly_and_the_file_stays_sound(
    server: RunningServer, landed: Path, tmp_path: Path
) -> None:
    before = scalar(landed, "select count(*) from landing.match_stats")
    holder = hold(landed, "rw", 600)
    try:
        result = run_dbt(["build", "--select", "stg_halo__match_stats"], landed,
                         target_path=tmp_path / "target", log_path=tmp_path / "logs")
    finally:
        holder.kill()
        holder.wait()
    # Plain dbt fails after its own bounded retries (with dbt's own report); the file is untouched.
    assert result.returncode != 0 and "Could not set lock" in result.output
    assert scalar(landed, "select count(*) from landing.match_stats") == before
    assert halo_cli(["ingest", "-p", DEMO_MAIN, "--profiles", "none"], env(server, landed)).code == 0
