"""Bringing an older warehouse's landing tables to the registry's definition, once.

A landing table is outdated when it lacks a column of the registry (warehouses created before
``landing_seq`` existed) or stores a column without the compression the registry asks for (film
chunk bytes stored before ``using compression uncompressed``). Every outdated table is rebuilt from
the registry's DDL, rows unchanged, all of them in one transaction: a crash or an error leaves the
warehouse as it was, and the next open tries again. Rows that had no ``landing_seq`` are numbered
from the landing sequence in the order their clock column (``LandingTable.landed_at``) dates them,
across all tables, so the numbering matches the order they landed in as far as the clock knew.
"""

from __future__ import annotations

import duckdb

from .registry import LANDING_SEQUENCE, LANDING_TABLES, LandingTable

_NUMBERING = "landing_upgrade_numbering"  # a temp table, dropped with the transaction's end


def upgrade_landing_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild every outdated landing table (see the module docstring); returns their names."""
    stored_sql = dict(con.execute(
        "select table_name, sql from duckdb_tables() where schema_name = 'landing'"
    ).fetchall())
    stored_columns: dict[str, set[str]] = {}
    for table_name, column_name in con.execute(
        "select table_name, column_name from duckdb_columns() where schema_name = 'landing'"
    ).fetchall():
        stored_columns.setdefault(table_name, set()).add(column_name)
    outdated = [
        table for name, table in LANDING_TABLES.items()
        if name in stored_sql and _is_outdated(table, stored_sql[name], stored_columns[name])
    ]
    if not outdated:
        return []
    unnumbered = [t for t in outdated if t.landed_at is not None and "landing_seq" not in stored_columns[t.name]]
    con.execute("begin transaction")
    try:
        if unnumbered:
            _number_rows(con, unnumbered)
        for table in outdated:
            _rebuild(con, table, numbered=table in unnumbered)
        if unnumbered:
            con.execute(f"drop table {_NUMBERING}")
        con.execute("commit")
    except duckdb.Error:
        con.execute("rollback")
        raise
    return [t.name for t in outdated]


def _is_outdated(table: LandingTable, sql: str, columns: set[str]) -> bool:
    if not set(table.column_names) <= columns:
        return True
    declared = sql.lower()
    return any(
        c.compression is not None and f"using compression {c.compression}" not in declared
        for c in table.columns
    )


def _number_rows(con: duckdb.DuckDBPyConnection, tables: list[LandingTable]) -> None:
    """The temp table (table_name, row_id, landing_seq) numbering the rows of ``tables`` with fresh
    values of the landing sequence, in the order of their clock column (ties: registry order, then
    storage order)."""
    rank = {name: i for i, name in enumerate(LANDING_TABLES)}
    rows = " union all ".join(
        f"select '{t.name}' as table_name, {rank[t.name]} as table_rank, rowid as row_id,"
        f" {t.landed_at} as landed_at from {t.qualified_name}"
        for t in tables
    )
    (count,) = con.execute(f"select count(*) from ({rows})").fetchone()
    # Draw `count` values at once: nothing else uses the sequence in this transaction, so they
    # are the `count` values after its current one, and rows landing later get larger ones.
    (last,) = con.execute(
        f"select coalesce(max(nextval('{LANDING_SEQUENCE}')), 0) from range(?)", [count]
    ).fetchone()
    con.execute(
        f"""
        create temp table {_NUMBERING} as
        select
            table_name,
            row_id,
            {last - count} + row_number() over (order by landed_at, table_rank, row_id) as landing_seq
        from ({rows})
        """
    )


def _rebuild(con: duckdb.DuckDBPyConnection, table: LandingTable, *, numbered: bool) -> None:
    """Recreate ``table`` from the registry's DDL with its rows (numbered from the temp table)."""
    rebuilt = f"{table.qualified_name}__upgraded"
    con.execute(table.ddl(rebuilt))
    if numbered:
        source = (
            f"select old.*, numbering.landing_seq from {table.qualified_name} as old"
            f" inner join {_NUMBERING} as numbering"
            f" on numbering.table_name = '{table.name}' and numbering.row_id = old.rowid"
        )
    else:
        source = f"select * from {table.qualified_name}"
    con.execute(f"insert into {rebuilt} by name {source}")
    con.execute(f"drop table {table.qualified_name}")
    con.execute(f"alter table {rebuilt} rename to {table.name}")
