"""One `halo ingest`: validate everything local, open the API connection, then land what is missing."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from rich.console import Console

from ..api.aio import run_async
from ..api.client import HttpSettings, TokenSource
from ..api.connection import open_api_connection
from ..api.credentials import parse_clearance, parse_spartan_token
from ..api.profiles import ResolvedPlayer
from ..api.urls import UrlMapper
from ..errors import UsageError
from ..player_input import parse_player_spec
from ..store.payload_status import StuckRule
from ..store.tracking import list_tracked
from ..store.warehouse import check_writable, open_warehouse, storage_failure, wal_path
from ..vocabulary import MatchType
from .ingest_run import IngestRun, RunSummary
from .options import IngestOptions, ProfileScope
from .players import resolve_players
from .progress import make_reporter
from .summary import print_run_summary, stopped_line

EXIT_INTERRUPTED = 130
UNCLEAN_NOTE = (
    "note: the last writer of {path} left its write-ahead log behind (it was killed, crashed, lost "
    "power or ran out of space): DuckDB replayed it; whatever it could not replay is fetched again"
)


@dataclass
class IngestRequest:
    players: list[str]
    match_type: MatchType
    max_matches: int | None
    spartan_token: str | None
    clearance: str | None
    base_url: str | None
    film: bool
    profiles: ProfileScope
    retry_failed: bool
    rate: float
    profile_rate: float
    concurrency: int
    db_path: Path
    progress: bool | None = None
    http: HttpSettings = field(default_factory=HttpSettings)
    # A token source that renews itself (refresh-token sign-in); None: the pasted Spartan token.
    tokens: TokenSource | None = None


def run_ingest(request: IngestRequest, out: Console, err: Console) -> int:
    # Everything that can be checked locally is checked before any request or write.
    specs = [parse_player_spec(p) for p in request.players]
    if request.tokens is None:
        parse_spartan_token(request.spartan_token)
        parse_clearance(request.clearance)
    UrlMapper.from_setting(request.base_url)
    check_writable(request.db_path)
    StuckRule.from_env(os.environ)
    if not specs and not request.db_path.exists():
        raise UsageError("no tracked players yet: run `halo ingest --player GAMERTAG_OR_XUID`")

    settings = request.http
    settings.default_rate = request.rate
    settings.host_rates = {**settings.host_rates, "profile": request.profile_rate}
    settings.concurrency = request.concurrency
    options = IngestOptions(
        players=specs, match_type=MatchType(request.match_type), max_matches=request.max_matches,
        film=request.film, profiles=ProfileScope(request.profiles), retry_failed=request.retry_failed,
    )
    summary = run_async(_ingest(request, options, settings, err))
    if summary.interrupted:
        err.print(stopped_line(summary), markup=False)
        return EXIT_INTERRUPTED
    print_run_summary(out, summary)
    return 0


async def _ingest(
    request: IngestRequest, options: IngestOptions, settings: HttpSettings, err: Console
) -> RunSummary:
    async with open_api_connection(
        request.spartan_token, request.clearance, request.base_url, settings, tokens=request.tokens
    ) as api:
        players = await resolve_players(api.http, options.players)
        unclean = wal_path(request.db_path).exists()
        con = open_warehouse(request.db_path)
        try:
            if unclean:
                err.print(UNCLEAN_NOTE.format(path=request.db_path), markup=False)
            # A sync (no --player) starts at once from the tracked players' xuids; their gamertags
            # are refreshed during the run.
            sync = not players
            if sync:
                players = _tracked_players(con)
            reporter = make_reporter(err, enabled=request.progress)
            run = IngestRun(con, api.http, options, reporter, players, refresh_profiles=sync)
            try:
                return await run.run()
            except asyncio.CancelledError:
                # Ctrl+C / SIGTERM: run.run() has flushed what landed; report and end normally
                # (a second Ctrl+C still aborts at once).
                return run.summary_after_interrupt()
            finally:
                reporter.close()
        except duckdb.Error as exc:
            failure = storage_failure(exc, request.db_path)
            if failure is None:
                raise
            raise failure from exc
        finally:
            con.close()


def _tracked_players(con: duckdb.DuckDBPyConnection) -> list[ResolvedPlayer]:
    tracked = list_tracked(con)
    if not tracked:
        raise UsageError("no tracked players yet: run `halo ingest --player GAMERTAG_OR_XUID`")
    return [ResolvedPlayer(p.xuid, p.gamertag or "", {}) for p in tracked]
