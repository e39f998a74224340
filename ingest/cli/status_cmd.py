"""``halo status``: per tracked player and data type, what is complete, missing (and why)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..vocabulary import MATCH_ENDPOINTS
from .guard import error_guard, out
from .options import DbOption, resolve_db


@error_guard
def status(
    player: Annotated[list[str] | None, typer.Option("--player", "-p", help="Only these tracked players.")] = None,
    db: DbOption = None,
) -> None:
    """Per tracked player and data type: matches complete, missing (and why), not applicable."""
    print_status(out, resolve_db(db), player or [])


def print_status(console: Console, db_path: Path, players: list[str]) -> None:
    from ..store.completeness import DATA_TYPES, status_rows, stuck_gaps
    from ..store.warehouse import open_warehouse

    con = open_warehouse(db_path, read_only=True)
    try:
        rows = status_rows(con, players)
        stuck = stuck_gaps(con)
        tracked = con.execute("select count(*) from landing.tracked_players").fetchone()
    finally:
        con.close()
    if not rows:
        console.print("no listed matches yet" + ("" if tracked and tracked[0] else ": no tracked players"))
        return
    table = Table(title=f"warehouse {db_path}")
    for header in ("player", "data", "listed", "complete", "to fetch", "stuck", "needs build", "explained", "n/a", "why"):
        table.add_column(header, justify="left" if header in ("player", "data", "why") else "right")
    for row in rows:
        table.add_row(
            row.gamertag or row.player_xuid, DATA_TYPES.get(row.data_type, row.data_type),
            str(row.listed), str(row.complete),
            str(row.to_fetch) if row.data_type in MATCH_ENDPOINTS else "",
            str(row.stuck) if row.stuck else "",
            str(row.needs_build) if row.needs_build else "",
            str(row.explained), str(row.not_applicable), row.reasons or "",
        )
    console.print(table)
    shown = {r.gamertag or r.player_xuid for r in rows}
    for gaps in stuck:
        if gaps.gamertag in shown:
            console.print(
                f"stuck: {gaps.count} {DATA_TYPES.get(gaps.endpoint, gaps.endpoint)} of {gaps.gamertag} "
                f"({gaps.last_error}): {gaps.hint}", markup=False,
            )
    if any(r.needs_build for r in rows):
        console.print("some landed data is not in the marts yet: run `halo build`")
