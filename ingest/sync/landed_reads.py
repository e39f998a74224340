"""Reading what has landed without holding up the event loop.

A run's reads of the landing tables (what was landed before, what a listed page still needs) take
tens of milliseconds each at 10k matches, and reading every landed stats payload's references takes
~0.3 s (~1.2 s at 50k). On the event loop that time is lost by every host at once; here each read
runs on a second connection to the same warehouse in a worker thread (DuckDB releases the GIL
while a query runs), while the run's own connection keeps writing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import duckdb

from ..store import landed
from ..store.warehouse import reading_cursor
from ..vocabulary import AssetRef

T = TypeVar("T")


@dataclass
class LandedReferences:
    """What the warehouse holds already, so that a run never fetches it again."""

    settled_assets: set[str]  # asset keys landed or terminally failed
    referenced_assets: set[AssetRef]  # every asset version a landed stats payload refers to
    referenced_humans: set[str]  # every human xuid in a landed stats payload (when asked for)
    known_profiles: set[str]  # xuids with a landed profile, or a terminal answer


def read_landed_references(
    con: duckdb.DuckDBPyConnection, *, retry_failed: bool, humans: bool
) -> LandedReferences:
    assets, xuids = landed.landed_stats_references(con, humans=humans)
    return LandedReferences(
        settled_assets=landed.settled_asset_keys(con, retry_failed),
        referenced_assets=assets,
        referenced_humans=xuids,
        known_profiles=landed.known_profile_xuids(con),
    )


class LandedReader:
    """Runs ``query(connection, ...)`` in a worker thread on a second connection to ``con``'s warehouse."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="halo-landed-read")
        self._running: set[duckdb.DuckDBPyConnection] = set()

    async def read(self, query: Callable[..., T], *args: object, **kwargs: object) -> T:
        cursor = reading_cursor(self._con)
        self._running.add(cursor)

        def run_and_close() -> T:
            try:
                return query(cursor, *args, **kwargs)
            finally:
                # Only here: a read whose caller was cancelled still runs, and stop() interrupts it.
                self._running.discard(cursor)
                cursor.close()

        try:
            running = asyncio.get_running_loop().run_in_executor(self._threads, run_and_close)
        except RuntimeError:  # stop() ran already: the run is stopping, this read never starts
            self._running.discard(cursor)
            cursor.close()
            raise
        return await running

    def stop(self) -> None:
        """Interrupt the reads still running (their caller was cancelled) and wait for their threads,
        so that no thread still uses the warehouse once the run's connection closes."""
        for cursor in list(self._running):
            cursor.interrupt()
        self._threads.shutdown(wait=True, cancel_futures=True)
        for cursor in list(self._running):  # reads queued behind the others, never started
            cursor.close()
        self._running.clear()
