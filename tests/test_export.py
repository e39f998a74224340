"""`halo export`: every mart of the demo warehouse to Parquet, read back equal to the mart; CSV in
UTF-8 with ISO-8601 UTC times and JSON lists; the manifest; bad input."""

from __future__ import annotations

import csv
import json
from datetime import UTC
from pathlib import Path

import duckdb
import pytest

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.ingest_harness import halo_cli
except ModuleNotFoundError:
    from tests.support.ingest_harness import halo_cli

pytestmark = pytest.mark.dbt


def marts_of(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' "
            "and (table_name like 'dim\\_%' escape '\\' or table_name like 'fct\\_%' escape '\\') order by 1").fetchall()]
    finally:
        con.close()


def test_parquet_reads_back_equal_to_every_mart(demo_warehouse, tmp_path: Path) -> None:
    out = tmp_path / "export"
    result = halo_cli(["export", "--db", str(demo_warehouse.db), "--out", str(out)], {})
    assert result.code == 0, result.err
    marts = marts_of(demo_warehouse.db)
    assert len(marts) >= 15 and {"dim_matches", "fct_sessions", "fct_match_completeness"} <= set(marts)
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{m}.parquet" for m in marts] + ["manifest.json"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "parquet" and [m["mart"] for m in manifest["marts"]] == marts
    con = duckdb.connect(str(demo_warehouse.db), read_only=True)
    try:
        for entry in manifest["marts"]:
            mart, path = entry["mart"], str(out / entry["file"])
            columns = con.execute(f"select column_name, data_type from information_schema.columns "
                                  f"where table_schema = 'main' and table_name = '{mart}' order by ordinal_position").fetchall()
            assert [(c["name"], c["type"]) for c in entry["columns"]] == columns
            read = con.execute(f"describe select * from read_parquet('{path}')").fetchall()
            # Same names and types, but HUGEINT, which Parquet cannot hold, as DECIMAL(38,0).
            assert [(r[0], r[1]) for r in read] == [
                (n, "DECIMAL(38,0)" if t == "HUGEINT" else t) for n, t in columns], mart
            rows = con.execute(f"select count(*) from main.{mart}").fetchone()[0]
            assert entry["rows"] == rows == con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]
            for a, b in ((f"main.{mart}", f"read_parquet('{path}')"), (f"read_parquet('{path}')", f"main.{mart}")):
                assert con.execute(f"select count(*) from (select * from {a} except all select * from {b})").fetchone()[0] == 0, mart
    finally:
        con.close()


def test_csv_is_utf8_with_iso_utc_times_and_json_lists(demo_copy: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(demo_copy))
    con.execute("update main.dim_players set gamertag = 'Ünïcødé Spartan' where xuid = '2533274900000042'")
    sessions = con.execute("select session_id, start_time, friends_present, kills from main.fct_sessions "
                           "order by session_id").fetchall()
    con.close()
    out = tmp_path / "csv"
    result = halo_cli(["export", "--db", str(demo_copy), "--out", str(out), "--format", "csv",
                       "--mart", "fct_sessions", "-m", "dim_players"], {})
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["dim_players.csv", "fct_sessions.csv", "manifest.json"]
    with (out / "dim_players.csv").open(encoding="utf-8", newline="") as f:
        players = {row["xuid"]: row for row in csv.DictReader(f)}
    assert players["2533274900000042"]["gamertag"] == "Ünïcødé Spartan"
    with (out / "fct_sessions.csv").open(encoding="utf-8", newline="") as f:
        exported = sorted(csv.DictReader(f), key=lambda r: r["session_id"])
    assert len(exported) == len(sessions) > 0
    for row, (session_id, start, friends, kills) in zip(exported, sessions, strict=True):
        assert row["session_id"] == session_id
        assert row["start_time"] == start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert json.loads(row["friends_present"]) == list(friends)
        assert int(row["kills"]) == kills


def test_bad_input(demo_warehouse, tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for args, message in (
        (["--mart", "fct_nope"], "no mart called 'fct_nope'; the marts are: dim_matches, "),
        (["--format", "xlsx"], "--format must be one of parquet, csv, not 'xlsx'"),
        (["--out", str(a_file)], f"--out {a_file} is a file"),
        (["--db", str(tmp_path / "none.duckdb")], "no warehouse at"),
    ):
        result = halo_cli(["export", "--db", str(demo_warehouse.db), "--out", str(tmp_path / "x"), *args], {})
        assert result.code == 2 and result.err.count("\n") == 1 and message in result.err, (args, result.err)
    assert not (tmp_path / "x").exists()
