"""``halo ingest``: list each player's match history and fetch every payload still missing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..sync.options import ProfileScope
from ..vocabulary import MatchType
from .guard import err, error_guard, out
from .options import DbOption, choice, resolve_db


@error_guard
def ingest(
    player: Annotated[list[str] | None, typer.Option("--player", "-p", help="Gamertag or 16-digit xuid (repeatable). Default: every tracked player.")] = None,
    match_type: Annotated[MatchType, typer.Option("--match-type", parser=choice(MatchType, "--match-type"), help="Which matches to list.")] = MatchType.ALL,
    max_matches: Annotated[int | None, typer.Option("--max-matches", help="Only the N most recent matches.")] = None,
    spartan_token: Annotated[str | None, typer.Option("--spartan-token", help="Spartan token (default: $HALO_SPARTAN_TOKEN).", show_default=False)] = None,
    clearance_token: Annotated[str | None, typer.Option("--clearance-token", help="343-clearance value (fetched automatically when absent).")] = None,
    refresh_token: Annotated[str | None, typer.Option("--refresh-token", help="Sign in with this refresh token (default: $HALO_REFRESH_TOKEN, then the one `halo auth login` stored).", show_default=False)] = None,
    client_id: Annotated[str | None, typer.Option("--client-id", help="Azure app client id for --refresh-token (default: $HALO_AZURE_CLIENT_ID, then the auth config).", show_default=False)] = None,
    client_secret: Annotated[str | None, typer.Option("--client-secret", help="Azure app secret (prefer $HALO_AZURE_CLIENT_SECRET: flags show in the process list).", show_default=False)] = None,
    auth_config: Annotated[Path | None, typer.Option("--auth-config", help="Auth config file (default: $HALO_AUTH_CONFIG or ~/.config/halo-warehouse/auth.json).", show_default=False)] = None,
    film: Annotated[bool, typer.Option("--film/--no-film", help="Fetch film highlight events.")] = True,
    profiles: Annotated[ProfileScope, typer.Option("--profiles", parser=choice(ProfileScope, "--profiles"), help="Gamertags to fetch: all (every human seen) | tracked | none.")] = ProfileScope.ALL,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Also retry fetches that failed terminally (404/400).")] = False,
    rate: Annotated[float, typer.Option("--rate", help="Requests per second per service.")] = 5.0,
    profile_rate: Annotated[float, typer.Option("--profile-rate", help="Requests per second to the profile service.")] = 1.0,
    concurrency: Annotated[int, typer.Option("--concurrency", help="Requests in flight at most, all services together.")] = 12,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal).")] = None,
    db: DbOption = None,
) -> None:
    """List each player's match history and fetch every payload still missing."""
    from ..api.auth.prepare import credentials_for_ingest
    from ..api.auth.select import AuthFlags
    from ..sync.ingest_request import IngestRequest, run_ingest

    if max_matches is not None and max_matches < 1:
        raise UsageError(f"--max-matches must be a positive number, not {max_matches}")
    if rate <= 0 or profile_rate <= 0 or concurrency < 1:
        raise UsageError("--rate, --profile-rate and --concurrency must be positive")
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
