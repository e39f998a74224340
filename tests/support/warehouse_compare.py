"""Comparing two warehouses by content: every mart's rows, minus bookkeeping columns."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

# When a payload landed and which dbt run wrote a row differ between two equivalent histories.
VOLATILE = re.compile(r"(fetched_at|dbt_invocation_id|_built_at|added_at|gamertag_seen_at|tracked_since)$")


def mart_snapshot(db_path: Path, schema: str = "main") -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1", [schema]
        ).fetchall()]
        snapshot = {}
        for table in tables:
            columns = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "order by ordinal_position", [schema, table]
            ).fetchall() if not VOLATILE.search(r[0])]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'select {select} from {schema}."{table}"').fetchall()
            snapshot[table] = sorted(rows, key=repr)
        return snapshot
    finally:
        con.close()
