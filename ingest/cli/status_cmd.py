"""``halo status``: per tracked player and data type, what is complete, missing (and why)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..vocabulary import MATCH_ENDPOINTS
from .guard import error_guard, out
from .options import DbOption, resolve_db

if TYPE_CHECKING:
    from ..store.progress import ProgressCounts


@error_guard
def status(
    player: Annotated[list[str] | None, typer.Option("--player", "-p", help="Only these tracked players.")] = None,
    db: DbOption = None,
) -> None:
    """Per tracked player and data type: matches complete, missing (and why), not applicable."""
    print_status(out, resolve_db(db), player or [])


def print_status(console: Console, db_path: Path, players: list[str]) -> None:
    from ..store.completeness import DATA_TYPES, status_rows
    from ..store.progress import progress_counts
    from ..store.warehouse import open_warehouse

    con = open_warehouse(db_path, read_only=True)
    try:
        rows = status_rows(con, players)
        tracked = con.execute("select count(*) from landing.tracked_players").fetchone()
        progress = progress_counts(con)
    finally:
        con.close()
    if not rows:
        console.print("no listed matches yet" + ("" if tracked and tracked[0] else ": no tracked players"))
        return
    table = Table(title=f"warehouse {db_path}")
    for header in ("player", "data", "listed", "complete", "to fetch", "needs build", "explained", "n/a", "why"):
        table.add_column(header, justify="left" if header in ("player", "data", "why") else "right")
    for row in rows:
        table.add_row(
            row.gamertag or row.player_xuid, DATA_TYPES.get(row.data_type, row.data_type),
            str(row.listed), str(row.complete),
            str(row.to_fetch) if row.data_type in MATCH_ENDPOINTS else "",
            str(row.needs_build) if row.needs_build else "",
            str(row.explained), str(row.not_applicable), row.reasons or "",
        )
    console.print(table)
    if any(r.needs_build for r in rows):
        console.print("some landed data is not in the marts yet: run `halo build`")
    shown = {r.player_xuid for r in rows}
    _print_progress(console, [p for p in progress if p.player_xuid in shown])


def _print_progress(console: Console, progress: list[ProgressCounts]) -> None:
    """What the progress marts hold per player (docs/domain/player_progress.md)."""
    if not progress:
        return
    table = Table(title="progress")
    for header in ("player", "citations", "levelled up", "matches with impact", "streaks", "current"):
        table.add_column(header, justify="left" if header == "player" else "right")
    for p in progress:
        table.add_row(p.gamertag or p.player_xuid, str(p.citations), str(p.citations_levelled),
                      str(p.impact_matches), str(p.streaks), p.current_streak)
    console.print(table)
