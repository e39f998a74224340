"""``halo auth login``: the one interactive step (authorization code → stored refresh token)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .client import AuthHttp, AuthHttpSettings
from .hosts import AuthUrlMapper
from .oauth import AzureApp, OAuthTokens, exchange_code
from .store import CONFIG_LINEAGE, AuthConfig, AuthStore, CachedSession, RefreshRecord, utc_now
from .xbox import sign_in_to_halo


@dataclass(frozen=True)
class LoginResult:
    token_endpoint: str  # "live" or "v2"
    gamertag: str | None = None  # the checks below ran only when these are set
    xuid: str | None = None
    expires_at: datetime | None = None


async def complete_login(
    app: AzureApp,
    code: str,
    store: AuthStore,
    mapper: AuthUrlMapper,
    *,
    verify: bool = True,
    http_settings: AuthHttpSettings | None = None,
) -> LoginResult:
    """Exchange the code, store the refresh token, then (``verify``) run the chain once."""
    async with AuthHttp(mapper, http_settings) as http:
        tokens = await exchange_code(http, app, code)
        now = utc_now()
        # Stored before the check: the code is spent, and a refresh token is what a retry needs.
        store.update(lambda config: _store_login(config, app, tokens, now))
        if not verify:
            return LoginResult(tokens.token_endpoint)
        signed_in = await sign_in_to_halo(http, tokens.access_token)
    session = CachedSession(
        lineage=CONFIG_LINEAGE,
        api_base=mapper.base_url,
        spartan_token=signed_in.spartan_token,
        clearance=signed_in.clearance,
        obtained_at=utc_now(),
        expires_at=signed_in.expires_at,
        xuid=signed_in.xuid,
        gamertag=signed_in.gamertag,
    )
    store.update(lambda config: setattr(config, "session", session))
    return LoginResult(tokens.token_endpoint, signed_in.gamertag, signed_in.xuid, signed_in.expires_at)


def _store_login(config: AuthConfig, app: AzureApp, tokens: OAuthTokens, now: datetime) -> None:
    if tokens.refresh_token is None:  # exchange_code refuses such an answer; never store None
        raise ValueError("no refresh token to store")
    config.client_id = app.client_id
    config.client_secret = app.client_secret
    config.redirect_uri = app.redirect_uri
    config.refresh = RefreshRecord(CONFIG_LINEAGE, tokens.refresh_token, tokens.token_endpoint, saved_at=now)
    config.session = None  # possibly another account: the old Spartan token is not this one's
