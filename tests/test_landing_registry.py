"""One landing registry (ingest.store.registry): the DDL built from it, the dbt sources that
document the landing schema, and the writer all agree with it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from ingest.store.payload_status import PAYLOAD_STATUS_COLUMNS
from ingest.store.registry import LANDING_TABLES
from ingest.store.schema import ensure_landing_schema
from ingest.store.warehouse import connect
from ingest.store.writer import upsert_rows

SOURCES_YAML = Path(__file__).resolve().parents[1] / "models/staging/halo/_halo__sources.yml"
# DuckDB's information_schema name of each registry type.
DUCKDB_TYPES = {
    "varchar": "VARCHAR", "json": "JSON", "timestamptz": "TIMESTAMP WITH TIME ZONE",
    "integer": "INTEGER", "bigint": "BIGINT", "boolean": "BOOLEAN", "blob": "BLOB", "varchar[]": "VARCHAR[]",
}


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    connection = connect(tmp_path_factory.mktemp("registry") / "w.duckdb")
    ensure_landing_schema(connection)
    return connection


def source_columns() -> dict[str, list[str]]:
    """Table -> column names, as the dbt sources YAML lists them (schema `landing`)."""
    sources = yaml.safe_load(SOURCES_YAML.read_text(encoding="utf-8"))["sources"]
    (landing,) = [s for s in sources if s.get("schema") == "landing"]
    return {t["name"]: [c["name"] for c in t.get("columns") or []] for t in landing["tables"]}


def test_sources_yaml_lists_exactly_the_registry() -> None:
    listed = source_columns()
    expected = {name: list(table.column_names) for name, table in LANDING_TABLES.items()}
    expected["match_payload_status"] = list(PAYLOAD_STATUS_COLUMNS)
    assert set(listed) == set(expected)
    assert listed == expected  # and in the registry's column order


def test_the_ddl_creates_the_registry_columns_types_and_keys(con: duckdb.DuckDBPyConnection) -> None:
    for name, table in LANDING_TABLES.items():
        columns = con.execute(
            "select column_name, data_type, is_nullable from information_schema.columns "
            "where table_schema = 'landing' and table_name = ? order by ordinal_position", [name],
        ).fetchall()
        nullable = {c.name: "NO" if c.not_null or c.name in table.key else "YES" for c in table.columns}
        assert columns == [(c.name, DUCKDB_TYPES[c.sql_type], nullable[c.name]) for c in table.columns], name
        keys = con.execute(
            "select constraint_column_names from duckdb_constraints() "
            "where schema_name = 'landing' and table_name = ? and constraint_type = 'PRIMARY KEY'", [name],
        ).fetchall()
        assert [tuple(k[0]) for k in keys] == ([table.key] if table.key else []), name


def test_the_payload_status_view_has_the_listed_columns(con: duckdb.DuckDBPyConnection) -> None:
    columns = con.execute(
        "select column_name from information_schema.columns where table_schema = 'landing' "
        "and table_name = 'match_payload_status' order by ordinal_position"
    ).fetchall()
    assert tuple(c[0] for c in columns) == PAYLOAD_STATUS_COLUMNS


def test_a_batch_of_nulls_keeps_each_column_type(con: duckdb.DuckDBPyConnection) -> None:
    # Every nullable column NULL in the whole batch: the writer's Arrow types must still be the
    # registry's (Arrow would otherwise infer its null type and DuckDB refuse or coerce it).
    now = datetime(2025, 1, 6, 18, 0, tzinfo=UTC)
    samples = {"varchar": "x", "json": "{}", "timestamptz": now, "integer": 1, "boolean": True,
               "blob": b"\x78\x9c", "varchar[]": ["a"]}
    for name, table in LANDING_TABLES.items():
        row = tuple(None if not c.not_null else samples[c.sql_type] for c in table.written_columns)
        con.execute("begin transaction")
        upsert_rows(con, name, [row])
        con.execute("commit")
        stored = con.execute(f"select {', '.join(table.written_column_names)} from landing.{name}").fetchall()
        assert stored == [row], name
