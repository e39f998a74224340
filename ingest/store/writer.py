"""Durable, batched writes into the landing tables.

One rule for every landing write: rows are buffered in memory and committed together, in one
transaction, every ``batch_size`` rows or ``max_delay_s`` seconds, and on ``flush()``/``close()``.
A crash loses at most the rows of the batch in flight; a replayed payload overwrites its own row
(upsert on the table's key), so re-landing is idempotent. Rows carry ``fetched_at`` from this
process's clock; their ``landing_seq`` is assigned by the store itself (registry.py), never here.

A batch goes in as one Arrow table per landing table (``insert ... select ... on conflict``, the
types and the conflict clause from the registry): a flush runs on the ingester's event loop, and
row-by-row ``executemany`` held it for ~50-90 ms per batch of realistic payloads (see
BENCHMARKS.md, landing write rate).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from .registry import LANDING_TABLES


def utc_now() -> datetime:
    return datetime.now(UTC)


def arrow_rows(table: str, rows: list[tuple[Any, ...]]) -> pa.Table:
    """``rows`` of a landing table (tuples of its written columns, in order) as an Arrow table of
    their types."""
    schema = LANDING_TABLES[table].arrow_schema()
    return pa.table(
        [pa.array([row[i] for row in rows], type=field.type) for i, field in enumerate(schema)],
        schema=schema,
    )


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, batch: pa.Table, on_conflict: str = "") -> None:
    """One ``insert ... select`` of an Arrow table into ``landing.<table>`` (``on_conflict``: the
    statement's conflict clause, if any)."""
    columns = ", ".join(batch.column_names)
    name = f"landing_batch_{table}"
    con.register(name, batch)
    try:
        con.execute(f"insert into landing.{table} ({columns}) select {columns} from {name}{on_conflict}")
    finally:
        con.unregister(name)


def upsert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Upsert ``rows`` with one statement over an Arrow table (inside the caller's transaction)."""
    spec = LANDING_TABLES[table]
    if spec.key:
        # One statement may not update a row twice: the last write of a key wins, as it would
        # row by row.
        at = [spec.written_column_names.index(k) for k in spec.key]
        rows = list({tuple(row[i] for i in at): row for row in rows}.values())
    insert_arrow(con, table, arrow_rows(table, rows), spec.upsert_clause())


@dataclass
class LandingWriter:
    """Buffers landing rows and commits them in small transactions."""

    con: duckdb.DuckDBPyConnection
    batch_size: int = 50
    max_delay_s: float = 2.0
    rows_committed: int = 0
    # The storage error that ended writing, if any: every batch committed before it is kept.
    failure: duckdb.Error | None = None
    _pending: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    _pending_count: int = 0
    _oldest_pending: float | None = None

    # -- payloads ---------------------------------------------------------------------------
    def history_item(self, player_xuid: str, match_id: str, item: dict[str, Any] | str) -> None:
        payload = item if isinstance(item, str) else json.dumps(item, separators=(",", ":"))
        self._add("match_history", (player_xuid, match_id, payload, utc_now()))

    def match_stats(self, match_id: str, payload: str) -> None:
        self._add("match_stats", (match_id, payload, utc_now()))

    def match_skill(self, match_id: str, payload: str, requested_xuids: Sequence[str]) -> None:
        self._add("match_skill", (match_id, payload, utc_now(), list(requested_xuids)))

    def film_manifest(self, match_id: str, payload: str) -> None:
        self._add("film_manifests", (match_id, payload, utc_now()))

    def film_chunk(
        self, match_id: str, chunk_index: int, chunk_type: int, major_version: int | None, data: bytes
    ) -> None:
        self._add("film_chunks", (match_id, chunk_index, chunk_type, major_version, data, utc_now()))

    def ugc_asset(self, asset_kind: str, asset_id: str, version_id: str, payload: str) -> None:
        self._add("ugc_assets", (asset_kind, asset_id, version_id, payload, utc_now()))

    def medal_metadata(self, payload: str) -> None:
        self._add("medal_metadata", (payload, utc_now()))

    def csr_season_calendar(self, payload: str) -> None:
        self._add("csr_season_calendar", (payload, utc_now()))

    def player(self, xuid: str, payload: dict[str, Any] | str) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
        self._add("players", (xuid, text, utc_now()))

    def attempt(
        self,
        endpoint: str,
        key: str,
        *,
        outcome: str,
        http_status: int | None = None,
        error: str | None = None,
        attempts: int = 1,
        terminal: bool = False,
        run_id: str | None = None,
    ) -> None:
        row = (endpoint, key, utc_now(), http_status, error, attempts, outcome, terminal, run_id)
        self._add("fetch_attempts", row)

    # -- batching ---------------------------------------------------------------------------
    @property
    def pending(self) -> int:
        return self._pending_count

    def _add(self, table: str, row: tuple[Any, ...]) -> None:
        self._pending.setdefault(table, []).append(row)
        self._pending_count += 1
        if self._oldest_pending is None:
            self._oldest_pending = time.monotonic()
        if self._pending_count >= self.batch_size:
            self.flush()

    def flush_if_due(self) -> None:
        """Commit when the oldest buffered row has waited ``max_delay_s`` (slow trickles)."""
        if self._oldest_pending is not None and time.monotonic() - self._oldest_pending >= self.max_delay_s:
            self.flush()

    def write_table(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """One table's rows of a batch, inside flush's transaction (the benchmark overrides it)."""
        upsert_rows(self.con, table, rows)

    def _rollback(self, cause: BaseException) -> None:
        try:
            self.con.execute("rollback")
        except duckdb.Error as exc:  # e.g. the database was invalidated: the cause is what matters
            cause.add_note(f"(and the rollback failed too: {exc})")

    def flush(self) -> int:
        """Commit everything buffered in one transaction; returns the number of rows written."""
        if not self._pending_count:
            return 0
        if self.failure is not None:  # the storage failed: nothing more is written in this run
            raise self.failure
        pending, count = self._pending, self._pending_count
        self.con.execute("begin transaction")
        try:
            for table, rows in pending.items():
                self.write_table(table, rows)
        except BaseException as exc:
            if isinstance(exc, duckdb.Error):
                self.failure = exc
            self._rollback(exc)
            raise
        try:
            self.con.execute("commit")
        except duckdb.Error as exc:
            # A commit that failed (disk full, read-only file system) has ended its transaction:
            # DuckDB rolled it back, so there is nothing to roll back here.
            self.failure = exc
            raise
        self._pending, self._pending_count, self._oldest_pending = {}, 0, None
        self.rows_committed += count
        return count
