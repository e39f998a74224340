"""Overlapping runs and bad input: two scheduled runs never run at once, two `halo ingest`s on one
file never corrupt it, and a command refused for bad input leaves no file behind."""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.ingest_harness import DEMO_MAIN, REPO, halo_cli, halo_subprocess, scalar

from fake_halo import (
    Career,
    CareerSpec,
    FakeHaloApi,
    FaultConfig,
    FaultRule,
    RunningServer,
    running,
)

SCRIPT = REPO / "scripts" / "scheduled_run.sh"

# Stand-ins for the venv's `halo` and `dbt` (HALO_BIN): each logs its call; `halo` creates the
# warehouse file and then waits until the test lets it finish, so a run can be held mid-way.
STUB = """#!/bin/sh
echo "$(basename "$0") $*" >> "$STUB_LOG"
if [ "$(basename "$0")" = halo ]; then
    : > "$HALO_DB"
    while [ ! -e "$STUB_RELEASE" ]; do sleep 0.05; done
fi
"""


def stub_bin(tmp: Path) -> Path:
    folder = tmp / "bin"
    folder.mkdir()
    for name in ("halo", "dbt"):
        (folder / name).write_text(STUB)
        (folder / name).chmod(0o755)
    return folder


def scheduled(tmp: Path, out: Path, bin_dir: Path) -> subprocess.Popen[str]:
    env = {
        "PATH": os.environ["PATH"], "HOME": str(tmp), "HALO_OUTPUT_DIR": str(out), "HALO_BIN": str(bin_dir),
        "STUB_LOG": str(tmp / "calls.log"), "STUB_RELEASE": str(tmp / "release"), "HALO_PLAYERS": "Demo Spartan",
    }
    return subprocess.Popen(["sh", str(SCRIPT)], cwd=tmp, env=env, text=True,  # noqa: S607 - sh from PATH
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(predicate, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_second_scheduled_run_exits_0_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    out, bin_dir = tmp_path / "out", stub_bin(tmp_path)
    first = scheduled(tmp_path, out, bin_dir)
    try:
        wait_for(lambda: (tmp_path / "calls.log").exists())  # the first run is inside `halo ingest`
        second = scheduled(tmp_path, out, bin_dir)
        _, second_err = second.communicate(timeout=30)
    finally:
        (tmp_path / "release").touch()
        _, first_err = first.communicate(timeout=30)
    assert second.returncode == 0
    lines = second_err.splitlines()
    assert len(lines) == 1 and lines[0].endswith(f"another run holds {out / 'halo.duckdb.lock'}: this one does nothing and exits")
    assert first.returncode == 0, first_err
    # Only the first run called anything: one ingest, one build, one report.
    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert [c.split()[:2] for c in calls] == [["halo", "ingest"], ["dbt", "--no-use-colors"], ["halo", "report"]]
    # The lock died with the first run: a third run goes ahead.
    (tmp_path / "calls.log").unlink()
    third = scheduled(tmp_path, out, bin_dir)
    _, third_err = third.communicate(timeout=30)
    assert third.returncode == 0 and "another run holds" not in third_err
    assert len((tmp_path / "calls.log").read_text().splitlines()) == 3  # ingest, build, report


def test_the_lock_is_the_scripts_own_and_covers_the_restore(tmp_path: Path) -> None:
    """Whoever holds the lock file (here this test, through flock(2)), the script backs off before
    it touches anything: no restore over the held warehouse, no ingest."""
    out, bin_dir = tmp_path / "out", stub_bin(tmp_path)
    out.mkdir()
    (out / "halo.duckdb").write_bytes(b"the warehouse in use")
    backup = tmp_path / "backup.duckdb"
    backup.write_bytes(b"an older copy")
    with (out / "halo.duckdb.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        run = scheduled(tmp_path, out, bin_dir)
        _, err = run.communicate(timeout=30)
    assert run.returncode == 0 and "another run holds" in err and len(err.splitlines()) == 1
    assert (out / "halo.duckdb").read_bytes() == b"the warehouse in use"
    assert not (tmp_path / "calls.log").exists()


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running(FakeHaloApi(Career(CareerSpec.demo()))) as handle:
        yield handle


def test_two_ingests_at_once_one_waits_then_fails_clearly_and_nothing_is_corrupt(
    server: RunningServer, tmp_path: Path
) -> None:
    db = tmp_path / "halo.duckdb"
    # The first history page is slow (once): whichever run opens the warehouse first holds it for
    # longer than the other's bounded wait (5 s), whatever the order they start in.
    server.set_faults(FaultConfig(rules=(FaultRule("slow", endpoint="history", delay_s=8.0, times=1),)))
    args = ["ingest", "-p", DEMO_MAIN, "--rate", "200", "--profiles", "none", "--no-progress"]
    try:
        runs = [halo_subprocess(args, server, db) for _ in range(2)]
        results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    finally:
        server.set_faults(FaultConfig())
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 5], results
    [(_, _, loser_err)] = [r for r in results if r[0] == 5]
    assert loser_err == f"error: another process holds the warehouse {db} (a running `halo ingest`, `dbt build`, or a notebook/UI connection): close it and run again\n"
    # The winner landed everything once; the file is sound and the loser's rerun fetches nothing.
    matches = len(server.api.career.history(int(DEMO_MAIN)))
    assert scalar(db, "select count(*) from landing.match_stats") == matches
    assert scalar(db, "select count(*) - count(distinct match_id) from landing.match_stats") == 0
    stats_before = server.api.log.count(endpoint="stats")
    rerun = halo_subprocess(args, server, db)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert server.api.log.count(endpoint="stats") == stats_before


def env_for(server: RunningServer, db: Path) -> dict[str, str]:
    return {"HALO_API_BASE_URL": server.base_url, "HALO_SPARTAN_TOKEN": "demo-spartan-token", "HALO_DB": str(db)}


REFUSALS = [
    # (command line, exit code, the error line's start)
    (["track", "SOMEONE"], 2, "error: 'SOMEONE' is not tracked yet: run `halo ingest --player 'SOMEONE'` first"),
    (["track", "SOMEONE", "--friend", "Nimbus Crow"], 2, "error: 'SOMEONE' is not tracked yet"),
    (["track", "SOMEONE", "--untrack"], 2, "error: 'SOMEONE' is not tracked yet"),
    (["track", "bad/name"], 2, "error: 'bad/name' is neither a gamertag"),
    (["track"], 2, "error: no warehouse at"),
    (["status"], 2, "error: no warehouse at"),
    (["build"], 2, "error: no warehouse at"),
    (["ingest"], 2, "error: no tracked players yet"),
    (["ingest", "--player", "Nobody Here"], 2, "error: unknown player: no Xbox profile for gamertag 'Nobody Here'"),
]


@pytest.mark.parametrize(("args", "code", "message"), REFUSALS, ids=[" ".join(r[0]) for r in REFUSALS])
def test_a_refused_command_leaves_no_file_behind(
    server: RunningServer, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    db = tmp_path / "nested" / "halo.duckdb"
    result = halo_cli(args, env_for(server, db))
    assert result.code == code, result.err
    assert result.err.startswith(message) and result.err.count("\n") == 1, result.err
    assert list(tmp_path.rglob("*")) == []  # no warehouse, no .wal, no folder
