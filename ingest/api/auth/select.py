"""Which credentials a run uses. Precedence: CLI flags > environment > config file.

1. ``--spartan-token`` (pasted Spartan token: the simple mode; ``--clearance-token`` optional)
2. ``--refresh-token``
3. ``HALO_SPARTAN_TOKEN`` (``HALO_CLEARANCE_TOKEN`` optional)
4. ``HALO_REFRESH_TOKEN``
5. the refresh token ``halo auth login`` stored in the config file

The Azure app (client id, secret, redirect URI) for a refresh token is taken field by field with the
same precedence: ``--client-id``/``--client-secret`` > ``HALO_AZURE_CLIENT_ID``/
``HALO_AZURE_CLIENT_SECRET``/``HALO_AZURE_REDIRECT_URI`` > config file (redirect URI default
``https://localhost``). The config file path: ``--auth-config`` > ``HALO_AUTH_CONFIG`` > default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...errors import UsageError
from .hosts import DEFAULT_REDIRECT_URI
from .oauth import AzureApp
from .store import AuthConfig, AuthStore, default_config_path

SPARTAN_ENV = "HALO_SPARTAN_TOKEN"
CLEARANCE_ENV = "HALO_CLEARANCE_TOKEN"
REFRESH_ENV = "HALO_REFRESH_TOKEN"
CLIENT_ID_ENV = "HALO_AZURE_CLIENT_ID"
CLIENT_SECRET_ENV = "HALO_AZURE_CLIENT_SECRET"
REDIRECT_ENV = "HALO_AZURE_REDIRECT_URI"


@dataclass(frozen=True)
class AuthFlags:
    spartan_token: str | None = None
    clearance: str | None = None
    refresh_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    redirect_uri: str | None = None
    config_path: Path | None = None


@dataclass
class Selection:
    mode: str  # "spartan" | "refresh" | "none"
    origin: str  # "flag" | "env" | "config" | ""
    where: str  # where the token came from, for messages
    token: str | None  # the Spartan or refresh token (never printed)
    store: AuthStore
    _config: AuthConfig | None = None

    @property
    def config(self) -> AuthConfig:
        # Loaded only when needed: a broken config file must not break the pasted-token mode.
        if self._config is None:
            self._config = self.store.load()
        return self._config


def _value(text: str | None) -> str | None:
    return text.strip() if text is not None and text.strip() else None


def config_store(flags: AuthFlags, env: Mapping[str, str]) -> AuthStore:
    path = flags.config_path or default_config_path(env)
    return AuthStore(path)


def select(flags: AuthFlags, env: Mapping[str, str]) -> Selection:
    store = config_store(flags, env)
    if _value(flags.spartan_token) and _value(flags.refresh_token):
        raise UsageError("pass either --spartan-token or --refresh-token, not both")
    for mode, token, origin, where in (
        ("spartan", flags.spartan_token, "flag", "--spartan-token"),
        ("refresh", flags.refresh_token, "flag", "--refresh-token"),
        ("spartan", env.get(SPARTAN_ENV), "env", SPARTAN_ENV),
        ("refresh", env.get(REFRESH_ENV), "env", REFRESH_ENV),
    ):
        if _value(token):
            return Selection(mode, origin, where, _value(token), store)
    selection = Selection("none", "", "", None, store)
    if selection.config.refresh is not None:
        selection.mode, selection.origin = "refresh", "config"
        selection.where = f"the config file {store.path}"
        selection.token = selection.config.refresh.refresh_token
    return selection


def azure_app(flags: AuthFlags, env: Mapping[str, str], config: AuthConfig) -> AzureApp:
    """The Azure app, field by field: flag > environment > config file."""
    client_id = _value(flags.client_id) or _value(env.get(CLIENT_ID_ENV)) or _value(config.client_id)
    secret = _value(flags.client_secret) or _value(env.get(CLIENT_SECRET_ENV)) or _value(config.client_secret)
    redirect = (
        _value(flags.redirect_uri) or _value(env.get(REDIRECT_ENV)) or _value(config.redirect_uri)
        or DEFAULT_REDIRECT_URI
    )
    missing = [name for name, value in ((CLIENT_ID_ENV, client_id), (CLIENT_SECRET_ENV, secret)) if not value]
    if missing or client_id is None or secret is None:
        raise UsageError(
            f"signing in with a refresh token needs the Azure app: set {' and '.join(missing)} "
            "(or pass --client-id/--client-secret), or run `halo auth login` once"
        )
    if not redirect.startswith(("https://", "http://")):
        raise UsageError(f"the redirect URI must be an http(s) URL like {DEFAULT_REDIRECT_URI}, not {redirect!r}")
    return AzureApp(client_id, secret, redirect)


def no_credentials_message() -> str:
    return (
        f"no credentials: set {SPARTAN_ENV} (or pass --spartan-token) with a token copied from "
        "halowaypoint.com, or run `halo auth login` once for unattended runs "
        "(or `halo demo`, which needs none)"
    )
