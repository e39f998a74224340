"""Creating the landing schema: every table of the registry, and the payload-status view.

Idempotent (``if not exists``, ``create or replace view``): it runs on every writable open.
"""

from __future__ import annotations

import duckdb

from .payload_status import StuckRule, payload_status_view
from .registry import LANDING_TABLES

FILM_CHUNKS = LANDING_TABLES["film_chunks"]


def ensure_landing_schema(con: duckdb.DuckDBPyConnection, stuck: StuckRule | None = None) -> None:
    """Create every landing table that does not exist yet (safe to call on every run), and
    (re)create the payload-status view with ``stuck`` (default: StuckRule's defaults)."""
    con.execute("create schema if not exists landing")
    for table in LANDING_TABLES.values():
        con.execute(table.ddl())
    _store_film_bytes_uncompressed(con)
    con.execute(payload_status_view(stuck or StuckRule()))


def _store_film_bytes_uncompressed(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse created before film_chunks.data said `using compression uncompressed` gets its
    film_chunks table rewritten once, in one transaction (rows and bytes unchanged)."""
    (sql,) = con.execute(
        "select sql from duckdb_tables() where schema_name = 'landing' and table_name = 'film_chunks'"
    ).fetchone()
    if "using compression uncompressed" in sql.lower():
        return
    con.execute("begin transaction")
    try:
        con.execute(FILM_CHUNKS.ddl("landing.film_chunks_rebuilt"))
        con.execute("insert into landing.film_chunks_rebuilt by name select * from landing.film_chunks")
        con.execute("drop table landing.film_chunks")
        con.execute("alter table landing.film_chunks_rebuilt rename to film_chunks")
        con.execute("commit")
    except duckdb.Error:
        con.execute("rollback")
        raise
