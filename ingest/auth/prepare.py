"""Credentials for one ``halo ingest``: a pasted token as given, or a signed-in refresh source."""

from __future__ import annotations

from collections.abc import Mapping

from ..aio import run_async
from ..errors import UsageError
from .client import AuthHttpSettings
from .handoff import offer
from .hosts import AuthUrlMapper
from .select import CLEARANCE_ENV, AuthFlags, Selection, azure_app, no_credentials_message, select
from .source import RefreshCredentials, RefreshTokenSource


def refresh_source(
    selection: Selection,
    flags: AuthFlags,
    env: Mapping[str, str],
    base_url: str | None,
    http_settings: AuthHttpSettings | None = None,
) -> RefreshTokenSource:
    if selection.mode != "refresh" or selection.token is None:
        raise ValueError("not a refresh-token selection")
    credentials = RefreshCredentials(
        azure_app(flags, env, selection.config), selection.token, selection.origin, selection.where
    )
    return RefreshTokenSource(
        credentials, selection.store, AuthUrlMapper.from_setting(base_url), http_settings=http_settings
    )


def credentials_for_ingest(
    flags: AuthFlags, env: Mapping[str, str], base_url: str | None
) -> tuple[str | None, str | None]:
    """(Spartan token, clearance) to put in the ``IngestRequest``.

    A pasted token is returned as given (``run_ingest`` validates it). For a refresh token the chain
    runs now (or the cached token is reused) and the source is offered to ``open_session``, which
    adopts it so the token is renewed during the run.
    """
    selection = select(flags, env)
    if selection.mode == "spartan":
        clearance = flags.clearance if flags.clearance is not None else env.get(CLEARANCE_ENV)
        return selection.token, clearance
    if selection.mode == "none":
        raise UsageError(no_credentials_message())
    source = refresh_source(selection, flags, env, base_url)
    session = run_async(source.prepare())
    offer(source)
    return session.spartan_token, session.clearance
