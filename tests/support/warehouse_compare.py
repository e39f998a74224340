"""Comparing two warehouses by content: every mart's and seed's rows, minus bookkeeping columns.

Two ways in:

* ``mart_snapshot(db, schema)``: a schema's tables as sorted row lists (for tests that compare two
  snapshots themselves);
* ``compare_warehouses(before, after)`` and its command line, for a whole warehouse against
  another (e.g. a demo built before and after a refactoring)::

      python -m tests.support.warehouse_compare BEFORE.duckdb AFTER.duckdb

  Every table and view of the schemas ``main`` (marts) and ``reference`` (seeds) is compared by
  column NAME (column order may differ), bookkeeping columns aside (VOLATILE: when a payload
  landed, which dbt run wrote a row), as a multiset of rows (``except all`` both ways, in DuckDB:
  duplicates count). It prints one line per table and exits 1 when any table differs or exists
  on one side only.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# When a payload landed (by the clock, and its place in the landing order) and which dbt run wrote
# a row differ between two equivalent histories.
VOLATILE = re.compile(
    r"(fetched_at|landing_seq|dbt_invocation_id|_built_at|added_at|gamertag_seen_at|tracked_since)$"
)
COMPARED_SCHEMAS = ("main", "reference")


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


@dataclass
class TableComparison:
    """One table of one schema in both warehouses (rows None: the table is missing on that side)."""

    schema: str
    table: str
    before_rows: int | None
    after_rows: int | None
    only_before: int = 0  # rows (with multiplicity) of BEFORE that AFTER lacks
    only_after: int = 0
    columns_only_before: list[str] = field(default_factory=list)
    columns_only_after: list[str] = field(default_factory=list)
    type_changes: list[str] = field(default_factory=list)  # "column: BEFORE_TYPE -> AFTER_TYPE"
    compared_columns: int = 0

    @property
    def identical(self) -> bool:
        return (
            self.before_rows is not None
            and self.after_rows is not None
            and not (self.only_before or self.only_after)
            and not (self.columns_only_before or self.columns_only_after or self.type_changes)
        )

    def line(self) -> str:
        name = f"{self.schema}.{self.table}"
        if self.before_rows is None:
            return f"{name}: ONLY IN AFTER ({self.after_rows} rows)"
        if self.after_rows is None:
            return f"{name}: ONLY IN BEFORE ({self.before_rows} rows)"
        if self.identical:
            return f"{name}: identical ({self.before_rows} rows, {self.compared_columns} columns)"
        details = [f"{self.before_rows} rows before, {self.after_rows} after"]
        if self.only_before or self.only_after:
            details.append(f"{self.only_before} rows only before, {self.only_after} only after")
        if self.columns_only_before:
            details.append("columns only before: " + ", ".join(self.columns_only_before))
        if self.columns_only_after:
            details.append("columns only after: " + ", ".join(self.columns_only_after))
        if self.type_changes:
            details.append("types changed: " + ", ".join(self.type_changes))
        return f"{name}: DIFFERENT ({'; '.join(details)})"


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> dict[str, str]:
    """Compared columns (name -> type) of one table, bookkeeping columns aside."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    return {name: data_type for name, data_type in rows if not VOLATILE.search(name)}


def _tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> set[str]:
    return {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_catalog = ? and table_schema = ?",
        [catalog, schema],
    ).fetchall()}


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchone()[0])


def compare_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> TableComparison:
    """Compare ``schema.table`` of the attached catalogs ``before`` and ``after``."""
    before, after = (f'{side}.{schema}."{table}"' for side in ("before", "after"))
    result = TableComparison(schema, table, _count(con, f"select count(*) from {before}"),
                             _count(con, f"select count(*) from {after}"))
    before_columns = _columns(con, "before", schema, table)
    after_columns = _columns(con, "after", schema, table)
    result.columns_only_before = sorted(set(before_columns) - set(after_columns))
    result.columns_only_after = sorted(set(after_columns) - set(before_columns))
    shared = sorted(set(before_columns) & set(after_columns))
    result.type_changes = [
        f"{c}: {before_columns[c]} -> {after_columns[c]}" for c in shared if before_columns[c] != after_columns[c]
    ]
    result.compared_columns = len(shared)
    if shared:
        select = ", ".join(f'"{c}"' for c in shared)
        result.only_before = _count(
            con, f"select count(*) from (select {select} from {before} except all select {select} from {after})"
        )
        result.only_after = _count(
            con, f"select count(*) from (select {select} from {after} except all select {select} from {before})"
        )
    return result


def compare_warehouses(
    before: Path, after: Path, schemas: tuple[str, ...] = COMPARED_SCHEMAS
) -> list[TableComparison]:
    """Every table and view of ``schemas`` in either warehouse, compared (both opened read-only)."""
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("attach ? as before (read_only)", [str(before)])
        con.execute("attach ? as after (read_only)", [str(after)])
        comparisons = []
        for schema in schemas:
            in_before, in_after = _tables(con, "before", schema), _tables(con, "after", schema)
            for table in sorted(in_before | in_after):
                if table not in in_after:
                    rows = _count(con, f'select count(*) from before.{schema}."{table}"')
                    comparisons.append(TableComparison(schema, table, rows, None))
                elif table not in in_before:
                    rows = _count(con, f'select count(*) from after.{schema}."{table}"')
                    comparisons.append(TableComparison(schema, table, None, rows))
                else:
                    comparisons.append(compare_table(con, schema, table))
        return comparisons
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.warehouse_compare",
        description="Compare the marts (schema main) and seeds (schema reference) of two DuckDB "
        "warehouses row for row, by column name, bookkeeping columns aside.",
    )
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--schema", action="append", dest="schemas",
                        help=f"schema to compare (repeatable; default: {', '.join(COMPARED_SCHEMAS)})")
    args = parser.parse_args(argv)
    for path in (args.before, args.after):
        if not path.is_file():
            parser.error(f"no such warehouse file: {path}")
    comparisons = compare_warehouses(args.before, args.after, tuple(args.schemas or COMPARED_SCHEMAS))
    for comparison in comparisons:
        print(comparison.line())
    different = [c for c in comparisons if not c.identical]
    print(f"{len(comparisons) - len(different)} identical, {len(different)} different "
          f"(bookkeeping columns ignored: {VOLATILE.pattern})")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
