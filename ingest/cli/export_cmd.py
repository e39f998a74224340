"""``halo export``: every mart (or the named ones) to Parquet or CSV files, with a manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..export import DEFAULT_DIR, ExportFormat
from .guard import error_guard, out
from .options import DbOption, choice, resolve_db


@error_guard
def export(
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", parser=choice(ExportFormat, "--format"), help="parquet or csv.")] = ExportFormat.PARQUET,
    output: Annotated[Path, typer.Option("--out", "-o", help="Directory for the files and manifest.json.")] = DEFAULT_DIR,
    mart: Annotated[list[str] | None, typer.Option(
        "--mart", "-m", help="Only this mart (e.g. fct_sessions); repeat for several. Default: every mart.")] = None,
    db: DbOption = None,
) -> None:
    """Export the marts, one file each named after the mart, plus manifest.json (read-only)."""
    from ..export.marts import ExportRequest, export_marts

    exported = export_marts(ExportRequest(resolve_db(db), output, fmt, tuple(mart or ())))
    rows = sum(m.rows for m in exported)
    marts = f"{len(exported)} mart{'s' if len(exported) != 1 else ''}"
    out.print(f"exported {marts} ({rows:,} rows) to {output} as {fmt.value}; see {output / 'manifest.json'}",
              markup=False)
