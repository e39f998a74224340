"""Opening the DuckDB warehouse file: where it is, path checks, lock conflicts, landing schema."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import duckdb

from ..errors import UsageError, WarehouseLockedError
from .schema import ensure_landing_schema

DEFAULT_DB_PATH = "warehouse/halo.duckdb"

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
    if not read_only:
        check_writable(path)
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
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise UsageError(f"cannot open the warehouse {path}: {str(exc).splitlines()[0]}") from exc
            if time.monotonic() >= deadline:
                raise WarehouseLockedError(LOCK_HINT.format(path=path)) from exc
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    if not read_only:
        ensure_landing_schema(con)
    return con
