"""Creating the landing schema: the landing sequence, every table of the registry (an older
warehouse's tables upgraded once, ingest/store/upgrade.py), and the payload-status view.

Idempotent (``if not exists``, ``create or replace view``): it runs on every writable open.
"""

from __future__ import annotations

import duckdb

from .payload_status import StuckRule, payload_status_view
from .registry import LANDING_SEQUENCE, LANDING_TABLES
from .upgrade import upgrade_landing_tables


def ensure_landing_schema(con: duckdb.DuckDBPyConnection, stuck: StuckRule | None = None) -> None:
    """Create every landing table that does not exist yet (safe to call on every run), and
    (re)create the payload-status view with ``stuck`` (default: StuckRule's defaults)."""
    con.execute("create schema if not exists landing")
    con.execute(f"create sequence if not exists {LANDING_SEQUENCE}")
    for table in LANDING_TABLES.values():
        con.execute(table.ddl())
    upgrade_landing_tables(con)
    con.execute(payload_status_view(stuck or StuckRule()))
