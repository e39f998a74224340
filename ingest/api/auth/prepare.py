"""Credentials for one ``halo ingest``: a pasted token as given, or a signed-in refresh source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ...errors import UsageError
from ..aio import run_async
from .client import AuthHttpSettings
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


@dataclass(frozen=True)
class IngestCredentials:
    """What a ``halo ingest`` authenticates with: a pasted token, or a signed-in refresh source."""

    spartan_token: str | None = None
    clearance: str | None = None
    source: RefreshTokenSource | None = None


def credentials_for_ingest(
    flags: AuthFlags, env: Mapping[str, str], base_url: str | None
) -> IngestCredentials:
    """A pasted token is returned as given (``run_ingest`` validates it). For a refresh token the
    chain runs now (or the cached token is reused), so a refused refresh token ends the command
    before the warehouse is opened; the source then renews the token during the run."""
    selection = select(flags, env)
    if selection.mode == "spartan":
        clearance = flags.clearance if flags.clearance is not None else env.get(CLEARANCE_ENV)
        return IngestCredentials(spartan_token=selection.token, clearance=clearance)
    if selection.mode == "none":
        raise UsageError(no_credentials_message())
    source = refresh_source(selection, flags, env, base_url)
    run_async(source.prepare())
    return IngestCredentials(source=source)
