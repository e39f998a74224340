"""Storage faults: the disk filling up and the file system turning read-only in the middle of an
ingest, and a write-ahead log cut short or damaged as by a power loss.

Disk full and read-only happen for real on a small ext4 file system on a loop device
(tests/support/small_fs.py: CI runs as root); where none can be mounted, the same failures are
injected at the writer's boundary (the DuckDB error the commit would raise). Either way: one
``error:`` line, exit 6, every committed batch kept, and the next run, with the storage back,
fetches only what is missing and converges.
"""

from __future__ import annotations

import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from support.ingest_harness import DEMO_MAIN, halo_cli, halo_subprocess, ingest_once, query
from support.small_fs import SmallFs, small_fs
from test_reliability_faults import assert_landing_intact

from fake_halo import Career, CareerSpec, FakeHaloApi, FaultConfig, RunningServer, running
from ingest.store.writer import LandingWriter

MATCHES = 60  # Demo Spartan's history


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running(FakeHaloApi(Career(CareerSpec.demo()))) as handle:
        yield handle


@pytest.fixture()
def fs(tmp_path: Path) -> Iterator[SmallFs | None]:
    made = small_fs(tmp_path / "fs", 24)
    yield made
    if made is not None:
        made.unmount()


def landed_stats(db: Path) -> dict[str, object]:
    """match_id -> landing_seq of every landed stats payload (DuckDB replays the log read-only): a
    payload kept as it was committed keeps its landing_seq."""
    return dict(query(db, "select match_id, landing_seq from landing.match_stats"))


def cli_env(server: RunningServer, db: Path) -> dict[str, str]:
    return {"HALO_API_BASE_URL": server.base_url, "HALO_SPARTAN_TOKEN": "demo-spartan-token", "HALO_DB": str(db)}


INGEST = ["ingest", "--rate", "200", "--profile-rate", "200", "--no-progress"]


def inject(monkeypatch: pytest.MonkeyPatch, after_batches: int, reason: str) -> None:
    """The fallback: from the given batch on, the writer meets the error DuckDB raises when the
    file system refuses the commit."""
    real = LandingWriter.write_table
    seen = {"batches": 0}

    def failing(self: LandingWriter, table: str, rows: list) -> None:
        if table == "match_stats":
            seen["batches"] += 1
        if seen["batches"] > after_batches:
            raise duckdb.TransactionException(f'Failed to commit: Could not write file "{self.con}.wal": {reason}')
        real(self, table, rows)

    monkeypatch.setattr(LandingWriter, "write_table", failing)


def converges_after(server: RunningServer, db: Path, committed: dict[str, object]) -> None:
    """The next run keeps every committed row as it was and fetches only the rest."""
    assert 0 < len(committed) < MATCHES, len(committed)
    before = server.api.log.count(endpoint="stats")
    result = halo_cli(INGEST, cli_env(server, db))  # every tracked player: the tracking survived
    assert result.code == 0, result.err
    after = landed_stats(db)
    assert len(after) == MATCHES
    assert {m: after[m] for m in committed} == committed  # kept, not fetched again
    assert server.api.log.count(endpoint="stats") - before == MATCHES - len(committed)
    assert_landing_intact(db)


def test_disk_full_mid_ingest(server: RunningServer, fs: SmallFs | None, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    db = (fs.mount if fs else tmp_path) / "halo.duckdb"
    if fs:
        fs.fill_leaving(3 * 1024 * 1024)  # the demo player's payloads need ~7 MB
    else:
        inject(monkeypatch, 1, "No space left on device")
    result = halo_cli([*INGEST, "-p", DEMO_MAIN], cli_env(server, db))
    assert result.code == 6, result.err
    assert result.err == (
        f"error: the disk holding the warehouse {db} is full (no space left on device): every batch "
        "committed before is kept; free some space and run `halo ingest` again to continue\n"
    )
    committed = landed_stats(db)
    if fs:
        fs.free()
    else:
        monkeypatch.undo()
    converges_after(server, db, committed)


def test_file_system_turns_read_only_mid_ingest(server: RunningServer, fs: SmallFs | None, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    db = (fs.mount if fs else tmp_path) / "halo.duckdb"
    if fs:
        start = server.api.log.count(endpoint="stats")

        def trigger() -> None:  # once 25 matches' stats were served, some batches are committed
            deadline = time.monotonic() + 60
            while server.api.log.count(endpoint="stats") - start < 25 and time.monotonic() < deadline:
                time.sleep(0.01)
            fs.turn_read_only()

        watcher = threading.Thread(target=trigger)
        watcher.start()
    else:
        inject(monkeypatch, 1, "Read-only file system")
    result = halo_cli([*INGEST, "-p", DEMO_MAIN, "--rate", "40"], cli_env(server, db))
    if fs:
        watcher.join()
    assert result.code == 6, result.err
    assert result.err == (
        f"error: the file system holding the warehouse {db} turned read-only: every batch committed "
        "before is kept; once it is writable again (a remount, a disk check), run `halo ingest` again "
        "to continue\n"
    )
    committed = landed_stats(db)
    if fs:
        fs.repair()
    else:
        monkeypatch.undo()
    converges_after(server, db, committed)


# -- the write-ahead log --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A warehouse whose ingest was killed (SIGKILL) mid-way: its file and its write-ahead log."""
    root = tmp_path_factory.mktemp("killed")
    db = root / "halo.duckdb"
    with running(FakeHaloApi(Career(CareerSpec.demo()), faults=FaultConfig(latency_ms=10))) as slow:
        run = halo_subprocess(["ingest", "-p", DEMO_MAIN, "--rate", "40", "--profiles", "none"], slow, db)
        deadline = time.monotonic() + 60
        while slow.api.log.count(endpoint="stats") < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        run.kill()
        run.communicate(timeout=10)
    assert run.returncode == -signal.SIGKILL
    wal = db.with_name("halo.duckdb.wal")
    assert wal.stat().st_size > 100_000  # the landed payloads live in the log until a checkpoint
    return db, wal.stat().st_size


def crashed_copy(killed: tuple[Path, int], folder: Path) -> Path:
    source, _ = killed
    folder.mkdir()
    db = folder / "halo.duckdb"
    shutil.copy(source, db)
    shutil.copy(source.with_name("halo.duckdb.wal"), folder / "halo.duckdb.wal")
    return db


@pytest.mark.parametrize("cut", [0.0, 0.001, 0.25, 0.5, 0.75, -1])
def test_a_log_cut_short_keeps_what_replays_and_the_next_run_converges(
    server: RunningServer, killed: tuple[Path, int], tmp_path: Path, cut: float
) -> None:
    db = crashed_copy(killed, tmp_path / "w")
    size = killed[1]
    offset = size - 1 if cut == -1 else int(size * cut)
    with db.with_name("halo.duckdb.wal").open("r+b") as wal:
        wal.truncate(offset)  # a power loss before the tail reached the disk
    replayed = landed_stats(db)  # what DuckDB can replay: the intact entries
    result = ingest_once(server, db, players=[], profiles="none")  # every tracked player
    assert result.code == 0, result.err
    assert "note: the last writer of" in result.err  # said what happened
    final = landed_stats(db)
    assert len(final) == MATCHES
    assert {m: final[m] for m in replayed} == replayed
    assert_landing_intact(db)


def test_a_damaged_log_is_one_clear_line_and_the_hint_works(
    server: RunningServer, killed: tuple[Path, int], tmp_path: Path
) -> None:
    db = crashed_copy(killed, tmp_path / "w")
    wal = db.with_name("halo.duckdb.wal")
    with wal.open("r+b") as handle:
        handle.seek(killed[1] // 2)
        handle.write(b"\xde\xad\xbe\xef" * 8)  # bytes that never were: a checksum cannot match
    env = cli_env(server, db)
    for command in (INGEST, ["status"]):
        result = halo_cli(command, env)
        assert result.code == 6, result.err
        lines = result.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith(
            f"error: the warehouse's write-ahead log {wal} is damaged and DuckDB cannot replay it ("
        ), result.err
        assert f"mv '{wal}' '{wal}.damaged'" in lines[0]
    wal.rename(wal.with_name("halo.duckdb.wal.damaged"))  # as the line says
    result = halo_cli(INGEST, env)  # the tracked players were checkpointed: no --player needed
    assert result.code == 0, result.err
    assert len(landed_stats(db)) == MATCHES
    assert_landing_intact(db)
