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
    from ..store.competitive import CompetitiveSummary
    from ..store.completeness import StatusRow
    from ..store.progress import ProgressCounts


@error_guard
def status(
    player: Annotated[list[str] | None, typer.Option("--player", "-p", help="Only these tracked players.")] = None,
    db: DbOption = None,
) -> None:
    """Per tracked player and data type: matches complete, missing (and why), not applicable."""
    print_status(out, resolve_db(db), player or [])


def print_status(console: Console, db_path: Path, players: list[str]) -> None:
    from ..store.competitive import competitive_summaries
    from ..store.completeness import DATA_TYPES, status_rows, stuck_gaps
    from ..store.progress import progress_counts
    from ..store.warehouse import open_warehouse

    con = open_warehouse(db_path, read_only=True)
    try:
        rows = status_rows(con, players)
        stuck = stuck_gaps(con)
        tracked = con.execute("select count(*) from landing.tracked_players").fetchone()
        progress = progress_counts(con)
        competitive = competitive_summaries(con)
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
    print_competitive(console, rows, competitive)
    shown = {r.player_xuid for r in rows}
    _print_progress(console, [p for p in progress if p.player_xuid in shown])
    shown_names = {r.gamertag or r.player_xuid for r in rows}
    for gaps in stuck:
        if gaps.gamertag in shown_names:
            console.print(
                f"stuck: {gaps.count} {DATA_TYPES.get(gaps.endpoint, gaps.endpoint)} of {gaps.gamertag} "
                f"({gaps.last_error}): {gaps.hint}", markup=False,
            )
    if any(r.needs_build for r in rows):
        console.print("some landed data is not in the marts yet: run `halo build`")


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


def print_competitive(console: Console, rows: list[StatusRow], summaries: list[CompetitiveSummary]) -> None:
    """One line per shown player: the CSR history's counts, current CSR, best/worst map, people met."""
    names = {r.player_xuid: r.gamertag or r.player_xuid for r in rows}
    for summary in summaries:
        if summary.player_xuid not in names:
            continue  # filtered out by --player
        parts = [f"{summary.csr_rows} ranked match(es) with a CSR row ({summary.placements} placement(s), "
                 f"{summary.seasons} season(s)), {summary.ranked_gaps} without"]
        parts += [f"CSR {current.text()}" for current in summary.current]
        if summary.best_map:
            parts.append(f"best map {summary.best_map.label}")
        if summary.worst_map:
            parts.append(f"worst map {summary.worst_map.label}")
        if summary.people:
            top = f", most often {summary.top_teammate} ({summary.top_teammate_matches} together)" if summary.top_teammate else ""
            parts.append(f"{summary.people} people met{top}")
        console.print(f"{names[summary.player_xuid]}: " + " · ".join(parts), markup=False)
