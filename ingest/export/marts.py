"""Export marts (``main.dim_*`` / ``main.fct_*``) to one file each, named after the mart, plus
``manifest.json`` (per mart: file, rows, columns with the mart's types, when it was written).

Parquet keeps the warehouse's types, but for HUGEINT (sums of counts), which Parquet has no type
for: it is written as DECIMAL(38,0), every value exactly. CSV is UTF-8 with a header; times are
ISO-8601 in UTC (``2025-01-06T18:00:00.000000Z``) and lists, maps and structs are JSON, so a
spreadsheet or any CSV reader gets one plain value per cell. Each file is written under a
temporary name and renamed when complete; the manifest is written last.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ..errors import UsageError
from ..store.warehouse import open_warehouse
from . import DEFAULT_DIR, ExportFormat

MANIFEST = "manifest.json"

MARTS_SQL = """
select table_name
from information_schema.tables
where table_catalog = current_database() and table_schema = 'main'
    and (starts_with(table_name, 'dim_') or starts_with(table_name, 'fct_'))
order by table_name
"""
COLUMNS_SQL = """
select column_name, data_type
from information_schema.columns
where table_catalog = current_database() and table_schema = 'main' and table_name = ?
order by ordinal_position
"""


@dataclass(frozen=True)
class ExportRequest:
    db_path: Path
    out_dir: Path = DEFAULT_DIR
    fmt: ExportFormat = ExportFormat.PARQUET
    marts: tuple[str, ...] = ()  # none: every mart


@dataclass
class ExportedMart:
    mart: str
    file: str
    rows: int
    columns: list[dict[str, str]] = field(default_factory=list)
    built_at: str = ""


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def column_expression(name: str, data_type: str, fmt: ExportFormat) -> str:
    column = quote(name)
    if data_type in ("HUGEINT", "UHUGEINT"):
        return f"{column}::decimal(38, 0) as {column}"
    if fmt is ExportFormat.CSV:
        if data_type.startswith("TIMESTAMP"):
            # The connection's zone is UTC: a TIMESTAMPTZ formats as UTC, a TIMESTAMP holds UTC.
            return f"strftime({column}, '%Y-%m-%dT%H:%M:%S.%fZ') as {column}"
        if data_type.endswith("]") or data_type.startswith(("MAP", "STRUCT", "UNION")):
            return f"to_json({column})::varchar as {column}"
    return column


def check_out_dir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out {path} is a file: give a directory for the exported files")
    ancestor = path
    while not ancestor.exists():
        ancestor = ancestor.parent
    try:
        with tempfile.TemporaryFile(dir=ancestor):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write the export to {path}: {ancestor} is not writable ({exc.strerror})") from exc


def choose_marts(con: duckdb.DuckDBPyConnection, wanted: tuple[str, ...]) -> list[str]:
    marts = [row[0] for row in con.execute(MARTS_SQL).fetchall()]
    if not marts:
        raise UsageError("no mart in this warehouse yet: run `halo build` first")
    unknown = [name for name in wanted if name not in marts]
    if unknown:
        raise UsageError(f"no mart called {', '.join(map(repr, unknown))}; the marts are: {', '.join(marts)}")
    return list(dict.fromkeys(wanted)) if wanted else marts


def export_mart(con: duckdb.DuckDBPyConnection, mart: str, out_dir: Path, fmt: ExportFormat) -> ExportedMart:
    columns = con.execute(COLUMNS_SQL, [mart]).fetchall()
    select = ", ".join(column_expression(name, data_type, fmt) for name, data_type in columns)
    target = out_dir / f"{mart}.{fmt.value}"
    partial = out_dir / f".{target.name}.partial"
    options = "format parquet" if fmt is ExportFormat.PARQUET else "format csv, header true"
    path_literal = "'" + str(partial).replace("'", "''") + "'"
    try:
        con.execute(f"copy (select {select} from main.{quote(mart)}) to {path_literal} ({options})")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    rows = con.execute(f"select count(*) from main.{quote(mart)}").fetchone()[0]
    return ExportedMart(
        mart=mart, file=target.name, rows=rows,
        columns=[{"name": name, "type": data_type} for name, data_type in columns],
        built_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    )


def export_marts(request: ExportRequest) -> list[ExportedMart]:
    check_out_dir(request.out_dir)
    con = open_warehouse(request.db_path, read_only=True)
    try:
        marts = choose_marts(con, request.marts)
        request.out_dir.mkdir(parents=True, exist_ok=True)
        exported = [export_mart(con, mart, request.out_dir, request.fmt) for mart in marts]
    finally:
        con.close()
    manifest = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "warehouse": request.db_path.name,
        "format": request.fmt.value,
        "marts": [asdict(m) for m in exported],
    }
    partial = request.out_dir / f".{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, request.out_dir / MANIFEST)
    return exported
