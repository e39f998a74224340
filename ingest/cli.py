"""The ``halo`` command line. Every failure ends with one clear line and a non-zero exit."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from .auth_cli import auth_app
from .credentials import REDACTOR
from .errors import HaloError, UsageError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Land Halo Infinite match data in DuckDB and keep the dbt warehouse complete.",
    pretty_exceptions_enable=False,
)
app.add_typer(auth_app, name="auth")


def _console(stderr: bool) -> Console:
    # Not a terminal (CI logs, pipes): rich would wrap at 80 columns; logs read better unwrapped.
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal else 160
    return Console(stderr=stderr, highlight=False, soft_wrap=not probe.is_terminal, width=width)


out = _console(stderr=False)
err = _console(stderr=True)
T = TypeVar("T")

MATCH_TYPES = ("all", "matchmaking", "custom", "local")
DEMO_SEED = 20250106


def fail(message: str, code: int = 1) -> None:
    err.print(f"error: {REDACTOR(message)}", markup=False)
    raise typer.Exit(code)


def guarded(func: Callable[[], T]) -> T:
    """Run a command body: known errors → one line; anything else → one line, no traceback."""
    try:
        return func()
    except typer.Exit:
        raise
    except HaloError as exc:
        fail(str(exc), exc.exit_code)
    except Exception as exc:  # the last line of defence: never a traceback, always one line
        if os.environ.get("HALO_DEBUG"):
            raise
        fail(f"unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
             "(set HALO_DEBUG=1 for details)", 70)
    raise AssertionError("unreachable")


def db_option() -> Any:
    return typer.Option("--db", help="Warehouse file (default: $HALO_DB or warehouse/halo.duckdb).")


def resolve_db(db: Path | None) -> Path:
    from .landing import db_path_from_env

    return db if db is not None else db_path_from_env()


@app.command()
def ingest(
    player: Annotated[list[str] | None, typer.Option("--player", "-p", help="Gamertag or 16-digit xuid (repeatable). Default: every tracked player.")] = None,
    match_type: Annotated[str, typer.Option("--match-type", help="all | matchmaking | custom | local")] = "all",
    max_matches: Annotated[int | None, typer.Option("--max-matches", help="Only the N most recent matches.")] = None,
    spartan_token: Annotated[str | None, typer.Option("--spartan-token", help="Spartan token (default: $HALO_SPARTAN_TOKEN).", show_default=False)] = None,
    clearance_token: Annotated[str | None, typer.Option("--clearance-token", help="343-clearance value (fetched automatically when absent).")] = None,
    refresh_token: Annotated[str | None, typer.Option("--refresh-token", help="Sign in with this refresh token (default: $HALO_REFRESH_TOKEN, then the one `halo auth login` stored).", show_default=False)] = None,
    client_id: Annotated[str | None, typer.Option("--client-id", help="Azure app client id for --refresh-token (default: $HALO_AZURE_CLIENT_ID, then the auth config).", show_default=False)] = None,
    client_secret: Annotated[str | None, typer.Option("--client-secret", help="Azure app secret (prefer $HALO_AZURE_CLIENT_SECRET: flags show in the process list).", show_default=False)] = None,
    auth_config: Annotated[Path | None, typer.Option("--auth-config", help="Auth config file (default: $HALO_AUTH_CONFIG or ~/.config/halo-warehouse/auth.json).", show_default=False)] = None,
    film: Annotated[bool, typer.Option("--film/--no-film", help="Fetch film highlight events.")] = True,
    profiles: Annotated[str, typer.Option("--profiles", help="Gamertags to fetch: all (every human seen) | tracked | none")] = "all",
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Also retry fetches that failed terminally (404/400).")] = False,
    rate: Annotated[float, typer.Option("--rate", help="Requests per second per service.")] = 5.0,
    profile_rate: Annotated[float, typer.Option("--profile-rate", help="Requests per second to the profile service.")] = 1.0,
    concurrency: Annotated[int, typer.Option("--concurrency", help="Requests in flight at most, all services together.")] = 12,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal).")] = None,
    db: Annotated[Path | None, db_option()] = None,
) -> None:
    """List each player's match history and fetch every payload still missing."""

    def body() -> None:
        from .ingest_command import IngestRequest, run_ingest

        if match_type not in MATCH_TYPES:
            raise UsageError(f"--match-type must be one of {', '.join(MATCH_TYPES)}, not {match_type!r}")
        if max_matches is not None and max_matches < 1:
            raise UsageError(f"--max-matches must be a positive number, not {max_matches}")
        if profiles not in ("all", "tracked", "none"):
            raise UsageError(f"--profiles must be all, tracked or none, not {profiles!r}")
        if rate <= 0 or profile_rate <= 0 or concurrency < 1:
            raise UsageError("--rate, --profile-rate and --concurrency must be positive")
        from .auth.prepare import credentials_for_ingest
        from .auth.select import AuthFlags

        # Pasted token as given, or a refresh-token sign-in (flags > env > config) done right here.
        credentials = credentials_for_ingest(
            AuthFlags(spartan_token=spartan_token, clearance=clearance_token, refresh_token=refresh_token,
                      client_id=client_id, client_secret=client_secret, config_path=auth_config),
            os.environ, os.environ.get("HALO_API_BASE_URL"),
        )
        request = IngestRequest(
            players=player or [],
            match_type=match_type,
            max_matches=max_matches,
            spartan_token=credentials.spartan_token,
            clearance=credentials.clearance,
            base_url=os.environ.get("HALO_API_BASE_URL"),
            film=film,
            profiles=profiles,
            retry_failed=retry_failed,
            rate=rate,
            profile_rate=profile_rate,
            concurrency=concurrency,
            db_path=resolve_db(db),
            progress=progress,
            tokens=credentials.source,
        )
        code = run_ingest(request, out, err)
        if code:
            raise typer.Exit(code)

    guarded(body)


@app.command()
def status(
    player: Annotated[list[str] | None, typer.Option("--player", "-p", help="Only these tracked players.")] = None,
    db: Annotated[Path | None, db_option()] = None,
) -> None:
    """Per tracked player and data type: matches complete, missing (and why), not applicable."""

    def body() -> None:
        from .status import print_status

        print_status(out, resolve_db(db), player or [])

    guarded(body)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def build(
    ctx: typer.Context,
    db: Annotated[Path | None, db_option()] = None,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait for another process to release the warehouse.")] = 30.0,
    unit_tests: Annotated[bool, typer.Option(
        "--unit-tests/--no-unit-tests", help="Also run the dbt unit tests (SQL on fixed inputs; `make test` runs them).",
    )] = False,
) -> None:
    """`dbt build` on the warehouse (extra arguments go to dbt), after checking nobody holds the file."""

    def body() -> None:
        from .dbt_runner import dbt_build_streaming, sync_build_args
        from .warehouse import open_warehouse

        path = resolve_db(db)
        # dbt answers a held lock with a traceback after its own retries; check first, clearly.
        open_warehouse(path, read_only=True, lock_wait_s=wait).close()
        code = dbt_build_streaming(path, sync_build_args(list(ctx.args), unit_tests=unit_tests))
        if code:
            raise typer.Exit(code)

    guarded(body)


@app.command()
def track(
    player: Annotated[str | None, typer.Argument(help="A tracked player (gamertag or xuid). Omit to list tracked players.")] = None,
    friend: Annotated[list[str] | None, typer.Option("--friend", "-f", help="Declare a friend (gamertag or xuid; repeatable).")] = None,
    remove_friend: Annotated[list[str] | None, typer.Option("--remove-friend", help="Forget a friend (repeatable).")] = None,
    clear_friends: Annotated[bool, typer.Option("--clear-friends", help="Forget every friend first.")] = False,
    untrack_player: Annotated[bool, typer.Option("--untrack", help="Stop tracking this player.")] = False,
    db: Annotated[Path | None, db_option()] = None,
) -> None:
    """Show tracked players, or declare a tracked player's friends (used to cut play sessions)."""

    def body() -> None:
        from . import tracking
        from .warehouse import open_warehouse

        path = resolve_db(db)
        if player is None:
            con = open_warehouse(path, read_only=True)
            try:
                players = tracking.list_tracked(con)
            finally:
                con.close()
            if not players:
                out.print("no tracked players yet: run `halo ingest --player GAMERTAG_OR_XUID`")
            for p in players:
                friends = ", ".join(p.friends) if p.friends else "none declared (top-2 teammates are used)"
                out.print(f"{p.gamertag or '?'} (xuid {p.xuid}): friends: {friends}", markup=False)
            return
        con = open_warehouse(path)
        try:
            target = tracking.find_tracked(con, player)
            if untrack_player:
                tracking.untrack(con, target)
                out.print(f"{target.gamertag or target.xuid} is no longer tracked", markup=False)
                return
            friends = tracking.update_friends(
                con, target, add=friend or [], remove=remove_friend or [], clear=clear_friends
            )
        finally:
            con.close()
        shown = ", ".join(friends) if friends else "none"
        out.print(f"{target.gamertag or target.xuid}: friends: {shown}", markup=False)

    guarded(body)


@app.command("fake-api")
def fake_api(
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0 picks a free one).")] = 8765,
    seed: Annotated[int, typer.Option("--seed", help="Career seed (default: the demo career).")] = DEMO_SEED,
    token: Annotated[str, typer.Option("--token", help="Spartan token the server accepts.")] = "demo-spartan-token",
    latency_ms: Annotated[float, typer.Option("--latency-ms", help="Added latency per request.")] = 0.0,
    rate_limit: Annotated[float | None, typer.Option("--rate-limit", help="Per-host requests/s before 429s.")] = None,
) -> None:
    """Serve a fake Halo API on loopback from the recorded payloads (for demos and tests)."""

    def body() -> None:
        from .fake_api import Career, CareerSpec, FakeHaloApi, FaultConfig, RateLimit, serve

        if not 0 <= port <= 65535:
            raise UsageError(f"--port must be between 0 and 65535, not {port}")
        spec = CareerSpec.demo() if seed == DEMO_SEED else replace(CareerSpec.demo(), seed=seed)
        faults = FaultConfig(
            latency_ms=latency_ms,
            rate_limit=RateLimit(rate_limit) if rate_limit else None,
        )
        api = FakeHaloApi(Career(spec), token=token, faults=faults)
        serve(port, api=api, on_ready=lambda url: err.print(
            f"fake Halo API serving the demo career on {url} (Ctrl+C to stop); "
            f"use HALO_API_BASE_URL={url} HALO_SPARTAN_TOKEN={token}", markup=False))

    guarded(body)


@app.command()
def demo(
    db: Annotated[Path | None, typer.Option("--db", help="Demo warehouse file (default: $HALO_DB or warehouse/demo.duckdb).")] = None,
    build: Annotated[bool, typer.Option("--build/--no-build", help="Run `dbt build` after the ingest.")] = True,
) -> None:
    """Fake API → ingest → dbt build → summary, on bundled data (no credentials needed)."""

    def body() -> None:
        from .demo import run_demo

        path = db or Path(os.environ.get("HALO_DB") or "warehouse/demo.duckdb")
        code = run_demo(path, out, err, build=build)
        if code:
            raise typer.Exit(code)

    guarded(body)
