"""``halo auth``: sign in once for unattended runs (``login``), and see what a run will use (``status``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from .guard import error_guard, out

auth_app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Sign in once with an Azure app so scheduled runs need no pasted token.",
    pretty_exceptions_enable=False,
)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Auth config file (default: $HALO_AUTH_CONFIG or ~/.config/halo-warehouse/auth.json).", show_default=False),
]


@auth_app.command()
@error_guard
def login(
    client_id: Annotated[str | None, typer.Option("--client-id", help="Azure app client id (default: $HALO_AZURE_CLIENT_ID, then the config file).", show_default=False)] = None,
    client_secret: Annotated[str | None, typer.Option("--client-secret", help="Azure app secret *Value* (prefer $HALO_AZURE_CLIENT_SECRET: flags show in the process list).", show_default=False)] = None,
    redirect_uri: Annotated[str | None, typer.Option("--redirect-uri", help="The app's redirect URI (default: $HALO_AZURE_REDIRECT_URI or https://localhost).", show_default=False)] = None,
    code: Annotated[str | None, typer.Option("--code", help="The code, or the whole redirect URL (for scripts; otherwise you are asked).", show_default=False)] = None,
    config: ConfigOption = None,
    verify: Annotated[bool, typer.Option("--verify/--no-verify", help="Run the whole sign-in chain once to check it.")] = True,
) -> None:
    """Print the sign-in address, take the code, store the refresh token (file mode 0600)."""
    from ..api.aio import run_async
    from ..api.auth.hosts import AuthUrlMapper, authorize_url
    from ..api.auth.login import complete_login
    from ..api.auth.oauth import parse_authorization_code
    from ..api.auth.select import AuthFlags, azure_app, config_store

    flags = AuthFlags(client_id=client_id, client_secret=client_secret, redirect_uri=redirect_uri, config_path=config)
    store = config_store(flags, os.environ)
    app = azure_app(flags, os.environ, store.load())
    mapper = AuthUrlMapper.from_setting(os.environ.get("HALO_API_BASE_URL"))
    raw = code
    if raw is None:
        out.print("1. Open this address in a browser and sign in with the Microsoft account that plays Halo:")
        # Plain echo: rich would wrap the long URL into pieces that no longer paste.
        typer.echo(f"   {mapper.map(authorize_url(app.client_id, app.redirect_uri))}")
        out.print(f"2. The browser then lands on {app.redirect_uri}/?code=… (the page itself may fail to load: that is fine).", markup=False)
        try:
            raw = typer.prompt("3. Paste the code, or the whole address from the address bar", prompt_suffix="\n> ")
        except typer.Abort:  # end of input, or Ctrl+C at the prompt
            raise UsageError("no code given: run `halo auth login` again (or pass --code)") from None
    auth_code = parse_authorization_code(raw)
    result = run_async(complete_login(app, auth_code, store, mapper, verify=verify))
    via = " (through the v2 consumer endpoint)" if result.token_endpoint == "v2" else ""
    out.print(f"refresh token stored in {store.path} (mode 0600){via}", markup=False)
    if result.expires_at is not None:
        who = f"{result.gamertag} (xuid {result.xuid})" if result.gamertag else "the account"
        out.print(f"signed in to Halo as {who}; `halo ingest` now signs in by itself", markup=False)


@auth_app.command()
@error_guard
def status(config: ConfigOption = None) -> None:
    """Which credentials `halo ingest` would use, and until when its Spartan token is valid."""
    from ..api.auth.credential_status import status_lines
    from ..api.auth.select import AuthFlags

    for line in status_lines(AuthFlags(config_path=config), os.environ, os.environ.get("HALO_API_BASE_URL")):
        out.print(line, markup=False)
