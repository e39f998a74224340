"""The warehouse comparison used to show a refactoring changed no row
(``python -m tests.support.warehouse_compare BEFORE AFTER``), on two small hand-made warehouses."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.warehouse_compare import compare_warehouses, main
except ModuleNotFoundError:  # tests/ is a package: the project root is on sys.path
    from tests.support.warehouse_compare import compare_warehouses, main


def make_warehouse(path: Path, statements: list[str]) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema reference")
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return path


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    before = make_warehouse(tmp_path / "before.duckdb", [
        # Same rows, other column order, other bookkeeping values after: identical.
        "create table main.dim_a as select * from (values (1, 'x', 'run-1', timestamptz '2025-01-01 00:00:00+00'),"
        " (2, 'y', 'run-1', timestamptz '2025-01-01 00:00:00+00')) t(id, name, dbt_invocation_id, stats_fetched_at)",
        # A duplicated row is a difference (rows compared as a multiset).
        "create table main.fct_b as select * from (values (1, 10), (1, 10), (2, 20)) t(id, n)",
        "create table main.gone as select 1 as id",
        "create table main.retyped as select 1::integer as id",
        "create table reference.codes as select * from (values (1, 'one')) t(code, name)",
        "create view main.v as select id, name from main.dim_a",
    ])
    after = make_warehouse(tmp_path / "after.duckdb", [
        # ... and a bookkeeping column that only AFTER has (a landing_seq version) is not compared.
        "create table main.dim_a as select * from (values ('y', 2, 'run-2', timestamptz '2026-01-01 00:00:00+00', 7),"
        " ('x', 1, 'run-2', timestamptz '2026-01-01 00:00:00+00', 9))"
        " t(name, id, dbt_invocation_id, stats_fetched_at, stats_landing_seq)",
        "create table main.fct_b as select * from (values (1, 10), (2, 20), (3, 30)) t(id, n)",
        "create table main.added as select 1 as id",
        "create table main.retyped as select 1::bigint as id",
        "create table reference.codes as select * from (values (1, 'one')) t(code, name)",
        "create view main.v as select id, name from main.dim_a",
    ])
    return before, after


def test_tables_compared_by_column_name_as_multisets(pair: tuple[Path, Path]) -> None:
    results = {f"{c.schema}.{c.table}": c for c in compare_warehouses(*pair)}
    assert sorted(results) == ["main.added", "main.dim_a", "main.fct_b", "main.gone", "main.retyped",
                               "main.v", "reference.codes"]
    assert results["main.dim_a"].identical and results["main.dim_a"].compared_columns == 2
    assert results["main.v"].identical and results["reference.codes"].identical
    fct_b = results["main.fct_b"]
    assert not fct_b.identical
    assert (fct_b.before_rows, fct_b.after_rows, fct_b.only_before, fct_b.only_after) == (3, 3, 1, 1)
    assert results["main.gone"].after_rows is None and not results["main.gone"].identical
    assert results["main.added"].before_rows is None and not results["main.added"].identical
    assert results["main.retyped"].type_changes == ["id: INTEGER -> BIGINT"]


def test_command_line_prints_one_line_per_table_and_fails_on_a_difference(
    pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    before, after = pair
    assert main([str(before), str(after)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "main.dim_a: identical (2 rows, 2 columns)" in lines
    assert "main.fct_b: DIFFERENT (3 rows before, 3 after; 1 rows only before, 1 only after)" in lines
    assert "main.gone: ONLY IN BEFORE (1 rows)" in lines
    assert lines[-1].startswith("3 identical, 4 different")
    assert main([str(before), str(before)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("6 identical, 0 different")
