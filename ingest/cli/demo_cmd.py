"""`halo demo`: the whole path on bundled data, no credentials.

A fake Halo API (``fake_halo``: recorded payloads, synthetic career) runs on loopback; the ingester
lands the three demo players' histories through it exactly as it would from the real service; their
friends are declared; ``dbt build`` builds and tests the warehouse; a short summary says what landed
and what was built; the report (``halo report``) is written beside the warehouse. The fake is
imported only when the demo runs: it is a test double, not part of the product.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from ..sync.options import ProfileScope
from ..vocabulary import MatchType
from .guard import err, error_guard, out

if TYPE_CHECKING:
    from fake_halo import CareerSpec

    from ..transform.dbt_runner import DbtResult

# The fake API is ours: no need to be as polite as with the real service.
DEMO_RATE = 100.0

HEADLINE_QUERIES = {
    "matches": "select count(*) from main.dim_matches",
    "player rows": "select count(*) from main.fct_match_players",
    "medals awarded": "select coalesce(sum(medal_count), 0) from main.fct_medals",
    "players with a gamertag": "select count(*) from main.dim_players where gamertag is not null",
    "film events": "select count(*) from main.fct_film_events",
    "paired kills": "select count(*) from main.fct_killer_victim_pairs",
    "sessions": "select count(*) from main.fct_sessions",
    "scored matches": "select count(performance_score) from main.fct_performance_scores",
}


@error_guard
def demo(
    db: Annotated[Path | None, typer.Option("--db", help="Demo warehouse file (default: $HALO_DB or warehouse/demo.duckdb).")] = None,
    build: Annotated[bool, typer.Option("--build/--no-build", help="Run `dbt build` after the ingest.")] = True,
) -> None:
    """Fake API → ingest → dbt build → summary, on bundled data (no credentials needed)."""
    path = db or Path(os.environ.get("HALO_DB") or "warehouse/demo.duckdb")
    code = run_demo(path, out, err, build=build)
    if code:
        raise typer.Exit(code)


def run_demo(db_path: Path, out: Console, err: Console, *, build: bool = True) -> int:
    from fake_halo import DEFAULT_TOKEN, Career, CareerSpec, FakeHaloApi, running

    from ..sync.ingest_request import IngestRequest, run_ingest
    from ..transform.dbt_runner import run_dbt

    spec = CareerSpec.demo()
    api = FakeHaloApi(Career(spec), token=DEFAULT_TOKEN)
    with running(api) as server:
        out.print(f"fake Halo API on {server.base_url} (demo career: {len(spec.players)} players)")
        request = IngestRequest(
            players=[p.gamertag for p in spec.players], match_type=MatchType.ALL, max_matches=None,
            spartan_token=DEFAULT_TOKEN, clearance=None, base_url=server.base_url, film=True,
            profiles=ProfileScope.ALL, retry_failed=False, rate=DEMO_RATE, profile_rate=DEMO_RATE,
            concurrency=16, db_path=db_path, progress=None,
        )
        code = run_ingest(request, out, err)
        if code:
            return code
    _declare_friends(db_path, spec)
    _print_landed(out, db_path)
    if not build:
        return 0
    out.print("running dbt build …")
    result = run_dbt(["build"], db_path)
    _print_build(out, result)
    if result.returncode != 0:
        err.print("error: dbt build failed:", markup=False)
        for failure in result.failures[:20] or result.output.splitlines()[-20:]:
            err.print(f"  {failure}", markup=False)
        return result.returncode or 1
    _print_headlines(out, db_path)
    _print_progress(out, db_path, spec.players[0].xuid, spec.players[0].gamertag)
    _print_competitive(out, db_path)
    out.print(f"warehouse: {db_path} (open it read-only, e.g. duckdb -readonly {db_path})")
    _write_report(out, db_path)
    return 0


def demo_report_path(db_path: Path) -> Path:
    """The demo's report, beside its warehouse (``warehouse/demo-report.html``)."""
    return db_path.with_name(f"{db_path.stem}-report.html")


def _write_report(out: Console, db_path: Path) -> None:
    from ..report.build import ReportRequest, build_report

    result = build_report(ReportRequest(db_path, demo_report_path(db_path)))
    out.print(f"report: {result.path} ({result.charts} charts, {result.size_bytes / 1e6:.1f} MB; "
              f"open it in a browser: {result.path.resolve().as_uri()})", markup=False)


def _declare_friends(db_path: Path, spec: CareerSpec) -> None:
    from ..store.tracking import find_tracked, update_friends
    from ..store.warehouse import open_warehouse

    con = open_warehouse(db_path)
    try:
        for player in spec.players:
            tracked = find_tracked(con, player.xuid)
            update_friends(con, tracked, add=list(player.friends), remove=[], clear=True)
    finally:
        con.close()


def _print_landed(out: Console, db_path: Path) -> None:
    from ..store.registry import LANDING_TABLES
    from ..store.warehouse import connect

    con = connect(db_path, read_only=True)
    try:
        counts = {t: con.execute(f"select count(*) from landing.{t}").fetchone()[0] for t in LANDING_TABLES}
    finally:
        con.close()
    out.print("landed: " + ", ".join(f"{t} {n}" for t, n in counts.items() if n))


def _print_build(out: Console, result: DbtResult) -> None:
    parts = ", ".join(f"{n} {k}" for k, n in sorted(result.statuses.items()))
    elapsed = f" in {result.elapsed_s:.1f} s" if result.elapsed_s is not None else ""
    out.print(f"dbt build{elapsed}: {parts or 'no results'}")


def _print_headlines(out: Console, db_path: Path) -> None:
    import duckdb

    from ..store.warehouse import connect

    con = connect(db_path, read_only=True)
    try:
        figures = []
        for label, sql in HEADLINE_QUERIES.items():
            try:
                figures.append(f"{label} {con.execute(sql).fetchone()[0]}")
            except duckdb.CatalogException:
                continue  # a mart this checkout does not build yet
    finally:
        con.close()
    if figures:
        out.print("built: " + ", ".join(figures))


def _print_progress(out: Console, db_path: Path, xuid: str, gamertag: str) -> None:
    """One line each about the main demo player: top citation, last session's MVP, streak."""
    from ..store.progress import progress_lines
    from ..store.warehouse import connect

    con = connect(db_path, read_only=True)
    try:
        lines = progress_lines(con, xuid)
    finally:
        con.close()
    for line in lines:
        out.print(f"{gamertag}: {line}", markup=False)


def _print_competitive(out: Console, db_path: Path) -> None:
    """Three lines over the tracked players: current CSR per playlist, best map, most frequent teammate."""
    from ..store.competitive import competitive_summaries
    from ..store.tracking import list_tracked
    from ..store.warehouse import connect

    con = connect(db_path, read_only=True)
    try:
        summaries = competitive_summaries(con)
        names = {p.xuid: p.gamertag or p.xuid for p in list_tracked(con)}
    finally:
        con.close()
    if not summaries:
        return
    csr, best, mates = [], [], []
    for s in summaries:
        name = names.get(s.player_xuid, s.player_xuid)
        csr += [f"{name} {current.text()}" for current in s.current]
        if s.best_map:
            m = s.best_map
            best.append(f"{name} {m.label} ({m.wins} of {m.matches} won, Wilson {m.wilson_lower:.2f}-{m.wilson_upper:.2f})")
        if s.top_teammate:
            rate = f", {s.top_teammate_win_rate:.0%} won" if s.top_teammate_win_rate is not None else ""
            mates.append(f"{name} with {s.top_teammate} ({s.top_teammate_matches} matches{rate})")
    out.print("current CSR: " + ("; ".join(csr) or "no ranked match yet"), markup=False)
    out.print("best map: " + ("; ".join(best) or "no map with enough matches yet"), markup=False)
    out.print("most frequent teammate: " + ("; ".join(mates) or "nobody yet"), markup=False)
