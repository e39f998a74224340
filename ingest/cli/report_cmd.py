"""``halo report``: one self-contained HTML page of the marts (opens offline, from disk)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .guard import error_guard, out
from .options import DbOption, resolve_db


@error_guard
def report(
    player: Annotated[list[str] | None, typer.Option(
        "--player", "-p", help="A tracked player (gamertag or xuid); repeat for several. Default: every tracked player.")] = None,
    output: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path("warehouse/report.html"),
    tz: Annotated[str, typer.Option("--tz", help="Time zone the page shows times in (IANA name).")] = "UTC",
    db: DbOption = None,
) -> None:
    """Write one HTML file with charts and tables of the marts (read-only; no API call, no server)."""
    from ..report.build import ReportRequest, build_report

    result = build_report(ReportRequest(resolve_db(db), output, tuple(player or ()), tz))
    missing = f"; {result.unavailable} sections not available yet" if result.unavailable else ""
    out.print(
        f"report: {result.path} ({result.players} player{'s' if result.players != 1 else ''}, {result.charts} charts, "
        f"{result.size_bytes / 1e6:.1f} MB{missing}) in {result.seconds:.1f} s",
        markup=False,
    )
