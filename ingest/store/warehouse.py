"""Opening the DuckDB warehouse file: where it is, path checks, lock conflicts, landing schema, and
what a storage failure (disk full, read-only file system, a damaged write-ahead log) means."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import duckdb

from ..errors import StorageError, UsageError, WarehouseLockedError
from .payload_status import StuckRule
from .schema import ensure_landing_schema

DEFAULT_DB_PATH = "warehouse/halo.duckdb"

KEPT = "every batch committed before is kept"

LOCK_HINT = (
    "another process holds the warehouse {path} (a running `halo ingest`, `dbt build`, or a "
    "notebook/UI connection): close it and run again"
)


def db_path_from_env() -> Path:
    """The warehouse file: ``$HALO_DB`` or ``warehouse/halo.duckdb`` (relative to the cwd)."""
    return Path(os.environ.get("HALO_DB") or DEFAULT_DB_PATH)


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse with UTC as the session time zone (timestamps never shift locally)."""
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("set TimeZone = 'UTC'")
    return con


def reading_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A second connection to the warehouse ``con`` holds open, for reads in another thread while
    ``con`` keeps writing (DuckDB runs them side by side); UTC like every connection."""
    cursor = con.cursor()
    cursor.execute("set TimeZone = 'UTC'")
    return cursor


# DuckDB names a database after its file: a file called like one of our schemas makes every
# schema-qualified name ambiguous (``reference.x``: catalog or schema?).
RESERVED_STEMS = frozenset({"landing", "staging", "intermediate", "reference", "main", "memory", "system", "temp"})


def check_writable(path: Path) -> None:
    """Refuse early (before any API call) a warehouse path we could never write."""
    if path.stem.lower() in RESERVED_STEMS:
        raise UsageError(
            f"the warehouse file may not be called {path.name}: DuckDB would confuse it with the "
            f"schema {path.stem!r}; pick another name (e.g. halo.duckdb)"
        )
    if path.exists():
        if path.is_dir():
            raise UsageError(f"HALO_DB points at a directory, not a file: {path}")
        if not os.access(path, os.W_OK):
            raise UsageError(f"the warehouse file is not writable: {path}")
        return
    ancestor = path.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise UsageError(f"cannot create the warehouse at {path}: {ancestor} is not a directory")
    # Permission bits lie to root and on special filesystems: try it (a temp file, removed at once).
    try:
        with tempfile.TemporaryFile(dir=ancestor):
            pass
    except OSError as exc:
        raise UsageError(f"cannot create the warehouse at {path}: {ancestor} is not writable ({exc.strerror})") from exc


def open_warehouse(path: Path, *, read_only: bool = False, lock_wait_s: float = 5.0) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse; a lock held elsewhere is retried for a bounded time."""
    stuck = None
    if not read_only:
        check_writable(path)
        stuck = StuckRule.from_env(os.environ)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create the warehouse at {path}: {exc.strerror}") from exc
    elif not path.exists():
        raise UsageError(f"no warehouse at {path} yet: run `halo ingest` (or `halo demo`) first")
    deadline = time.monotonic() + lock_wait_s
    delay = 0.2
    while True:
        try:
            con = connect(path, read_only=read_only)
            break
        except duckdb.Error as exc:
            if "Failure while replaying WAL" in str(exc):
                raise damaged_wal(path, exc) from exc
            if not isinstance(exc, duckdb.IOException):
                raise
            if "lock" not in str(exc).lower():
                raise UsageError(f"cannot open the warehouse {path}: {str(exc).splitlines()[0]}") from exc
            if time.monotonic() >= deadline:
                raise WarehouseLockedError(LOCK_HINT.format(path=path)) from exc
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    if not read_only:
        ensure_landing_schema(con, stuck)
    return con


def wal_path(path: Path) -> Path:
    """DuckDB's write-ahead log of the warehouse: committed work not yet checkpointed into the file.
    It exists only while a writer has the file open, or after one stopped without closing it."""
    return path.with_name(path.name + ".wal")


def damaged_wal(path: Path, exc: duckdb.Error) -> StorageError:
    wal = wal_path(path)
    detail = str(exc).splitlines()[0].split(": ", 1)[-1]
    return StorageError(
        f"the warehouse's write-ahead log {wal} is damaged and DuckDB cannot replay it ({detail}). "
        f"Keep a copy, then move it aside (mv '{wal}' '{wal}.damaged'): the warehouse opens as it "
        "was at its last checkpoint, and the next `halo ingest` fetches again what the log held"
    )


def storage_failure(exc: duckdb.Error, path: Path) -> StorageError | None:
    """The clear error for a write the storage refused, or None when ``exc`` is something else.

    DuckDB reports the operating system's reason in its message (a failed commit, an I/O error, or
    the "database has been invalidated" that follows one); a failed commit has been rolled back, so
    every batch committed before it is in the file or its write-ahead log."""
    text = str(exc)
    if "No space left on device" in text or "Disk full" in text:
        return StorageError(
            f"the disk holding the warehouse {path} is full (no space left on device): {KEPT}; "
            "free some space and run `halo ingest` again to continue"
        )
    if "Read-only file system" in text:
        return StorageError(
            f"the file system holding the warehouse {path} turned read-only: {KEPT}; once it is "
            "writable again (a remount, a disk check), run `halo ingest` again to continue"
        )
    if "Could not write" in text or "IO Error" in text or "Could not fsync" in text:
        first = text.splitlines()[0]
        return StorageError(
            f"cannot write the warehouse {path} ({first}): {KEPT}; fix the storage and run "
            "`halo ingest` again to continue"
        )
    return None
