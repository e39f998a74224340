"""Grain: landed highlight chunk (= match with a film); key match_id. A thin wrapper around
``analytics.highlights.decode_record_batches`` (pytest-tested; dbt cannot unit-test Python
models): the decode status of the chunk, its events and its killer -> victim pairs as nested
lists. The row is the "done" marker: a chunk that failed, or decoded to 0 events or 0 pairs,
keeps its row and is never decoded again.

Incremental (delete+insert on match_id): only chunks with no row here yet, landed again since
(landing_seq differs from the stored chunk_landing_seq; never the clock: docs/incremental.md),
or paired with another tolerance (var
film_pair_tolerance_ms differs from the stored pair_tolerance_ms) are read and decoded. Which
ones is decided first without the chunk bytes, then only those chunks are read (landing stores
them uncompressed so that one chunk can be read without its neighbours: ingest/store/registry.py).

Streaming: the model returns a pyarrow RecordBatchReader; dbt-duckdb 1.11.1 registers it and
runs `create table ... as select * from` it, so DuckDB pulls one batch of BATCH_ROWS chunks,
decoded, at a time while it writes. Outside DuckDB's memory_limit the model holds one batch of
chunk bytes and its decoded rows, however many films there are (it used to gather every decoded
row first: ~0.5 GB more at 2,000 films). A decoder bug raised inside the stream fails the build
with its Python traceback (DuckDB re-raises it), as before. A post-hook (YAML) stamps
dbt_invocation_id (a Python model cannot render the invocation id).
"""

from collections.abc import Iterable, Iterator

import pyarrow as pa

from analytics.highlights import ARROW_OUTPUT_SCHEMA, CHUNK_COLUMNS, decode_record_batches

BATCH_ROWS = 200  # ~270 KB of zlib per chunk: ~55 MB of chunk bytes per batch (~100 MB decoded)
INVOCATION_FIELD = pa.field("dbt_invocation_id", pa.large_string())
SCHEMA = ARROW_OUTPUT_SCHEMA.append(INVOCATION_FIELD)


def model(dbt, session):
    tolerance_ms = int(dbt.config.get("film_pair_tolerance_ms"))
    chunks = dbt.ref("stg_halo__film_highlight_chunks")
    to_decode = _to_decode(chunks, str(dbt.this) if dbt.is_incremental else None, tolerance_ms)
    decoded = decode_record_batches(_chunk_batches(chunks, to_decode), tolerance_ms=tolerance_ms)
    return pa.RecordBatchReader.from_batches(SCHEMA, _with_invocation_column(decoded))


def _to_decode(chunks, this: str | None, tolerance_ms: int) -> list[str]:
    """The match_ids to decode: every chunk (full build), else those with no row here, landed
    again, or paired with another tolerance."""
    if this is None:
        sql = "select match_id from chunks order by match_id"
    else:
        sql = (
            "select chunks.match_id from chunks left join " + this + " as built"
            " on chunks.match_id = built.match_id"
            " where built.match_id is null"
            " or chunks.landing_seq is distinct from built.chunk_landing_seq"
            f" or built.pair_tolerance_ms is distinct from {tolerance_ms}"
            " order by chunks.match_id"
        )
    return [row[0] for row in chunks.query("chunks", sql).fetchall()]


def _chunk_batches(chunks, match_ids: list[str]) -> Iterator[pa.RecordBatch]:
    """The chunks of ``match_ids``, BATCH_ROWS at a time, one query per batch (one scan of them all
    would hold a DuckDB vector of 2,048 chunks, ~550 MB, at a time). Lazy: each query runs when
    DuckDB asks for the next batch, not when the model returns."""
    columns = ", ".join(CHUNK_COLUMNS)
    for start in range(0, len(match_ids), BATCH_ROWS):
        batch = match_ids[start : start + BATCH_ROWS]
        # A semi-join on a list, not an IN of constants: DuckDB then filters the scan of the bytes
        # (an IN list of 200 constants read every chunk's bytes: 1.6 GB resident at 2,000 films).
        wanted = ", ".join("'" + match_id.replace("'", "''") + "'" for match_id in batch)
        sql = f"select {columns} from chunks where match_id in (select unnest([{wanted}]::varchar[]))"
        yield from chunks.query("chunks", sql).to_arrow_reader(BATCH_ROWS)


def _with_invocation_column(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        yield batch.append_column(INVOCATION_FIELD, pa.nulls(batch.num_rows, INVOCATION_FIELD.type))
