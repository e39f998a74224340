"""Grain: landed highlight chunk (= match with a film); key match_id. A thin wrapper around
``analytics.highlights.decode_chunks`` (pytest-tested; dbt cannot unit-test Python models): the
decode status of the chunk, its events and its killer -> victim pairs as nested lists. The row is
the "done" marker: a chunk that failed, or decoded to 0 events or 0 pairs, keeps its row and is
never decoded again.

Incremental (delete+insert on match_id): only chunks with no row here yet, landed again since
(fetched_at differs from the stored chunk_fetched_at), or paired with another tolerance (var
film_pair_tolerance_ms differs from the stored pair_tolerance_ms) are read and decoded. The
anti-join runs in DuckDB, so the bytes of chunks already decoded never leave the database, and
chunks are pulled BATCH_ROWS at a time to bound memory on a full refresh. A post-hook (YAML)
stamps dbt_invocation_id (a Python model cannot render the invocation id).
"""

import polars as pl

from analytics.highlights import CHUNK_COLUMNS, CHUNK_SCHEMA, decode_chunks

BATCH_ROWS = 200  # ~300 KB of zlib per chunk: ~60 MB of chunk bytes in memory at a time


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="match_id",
        on_schema_change="fail",
    )
    tolerance_ms = int(dbt.config.get("film_pair_tolerance_ms"))
    columns = ", ".join(f"chunks.{name}" for name in CHUNK_COLUMNS)
    if dbt.is_incremental:
        todo_sql = (
            f"select {columns} from chunks left join {dbt.this} as built"
            " on chunks.match_id = built.match_id"
            " where built.match_id is null"
            " or chunks.fetched_at is distinct from built.chunk_fetched_at"
            f" or built.pair_tolerance_ms is distinct from {tolerance_ms}"
        )
    else:
        todo_sql = f"select {columns} from chunks"
    todo = dbt.ref("int_film_highlight_chunks").query("chunks", todo_sql)
    decoded = [
        decode_chunks(pl.from_arrow(batch), tolerance_ms=tolerance_ms)
        for batch in todo.to_arrow_reader(BATCH_ROWS)
    ]
    if not decoded:  # nothing to do: an empty frame of the table's schema
        decoded = [decode_chunks(pl.DataFrame(schema=CHUNK_SCHEMA), tolerance_ms=tolerance_ms)]
    rows = pl.concat(decoded)
    return rows.with_columns(pl.lit(None, dtype=pl.String).alias("dbt_invocation_id"))
