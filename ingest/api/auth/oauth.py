"""The Microsoft account half of the chain: authorization code or refresh token → access token.

login.live.com first; when it answers ``invalid_client`` (apps registered through the newer Entra
portal), the same form goes to the v2 consumer endpoint (the legacy app's fallback).
Which endpoint accepted the app is remembered so later refreshes go straight there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from ...errors import AuthError, HaloError, UsageError
from ..credentials import REDACTOR
from .client import AuthHttp, AuthReply
from .hosts import LIVE_TOKEN_URL, OAUTH_SCOPE, V2_TOKEN_URL

TOKEN_ENDPOINTS = {"live": LIVE_TOKEN_URL, "v2": V2_TOKEN_URL}
_CODE_SHAPE = re.compile(r"^[\x21-\x7e]{4,}$")


@dataclass(frozen=True)
class AzureApp:
    client_id: str
    client_secret: str
    redirect_uri: str

    def __post_init__(self) -> None:
        REDACTOR.register(self.client_secret)


@dataclass(frozen=True)
class OAuthTokens:
    access_token: str
    refresh_token: str | None  # None when the service did not send one
    token_endpoint: str  # "live" or "v2": the one that accepted the app


class RefreshTokenRejected(AuthError):
    """``invalid_grant`` on a refresh: the token expired or was revoked (the caller says which)."""


def parse_authorization_code(raw: str | None) -> str:
    """The code from a bare paste or from the whole ``https://localhost/?code=…`` redirect URL."""
    text = (raw or "").strip()
    if not text:
        raise UsageError("no authorization code given: paste the code, or the whole redirect URL")
    if "?" in text or "://" in text or text.startswith("code="):
        query = urlsplit(text).query if "?" in text or "://" in text else text
        params = parse_qs(query)
        for value in params.get("code", []):
            REDACTOR.register(value)
        if "error" in params:
            description = (params.get("error_description") or [""])[0]
            raise UsageError(
                REDACTOR(f"the sign-in was not completed: {params['error'][0]}"
                         + (f" ({description})" if description else ""))
            )
        codes = params.get("code", [])
        if not codes:
            raise UsageError("the pasted URL has no code= parameter: copy the whole address the browser landed on")
        text = codes[0].strip()
    REDACTOR.register(text)
    if not _CODE_SHAPE.match(text):
        raise UsageError("the authorization code does not look like one (empty, too short, or with spaces)")
    return text


async def exchange_code(http: AuthHttp, app: AzureApp, code: str) -> OAuthTokens:
    """``grant_type=authorization_code`` (once, at login)."""
    REDACTOR.register(code)
    form = {"grant_type": "authorization_code", "code": code, "scope": OAUTH_SCOPE,
            "redirect_uri": app.redirect_uri}
    tokens = await _token_request(http, app, form, "live", grant="code")
    if not tokens.refresh_token:
        raise AuthError(
            "the sign-in returned no refresh token: the scope must include Xboxlive.offline_access "
            "(run `halo auth login` again)"
        )
    return tokens


async def refresh_access(http: AuthHttp, app: AzureApp, refresh_token: str, endpoint: str) -> OAuthTokens:
    """``grant_type=refresh_token`` (every chain run)."""
    REDACTOR.register(refresh_token)
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "scope": OAUTH_SCOPE,
            "redirect_uri": app.redirect_uri}
    return await _token_request(http, app, form, endpoint, grant="refresh")


async def _token_request(http: AuthHttp, app: AzureApp, form: dict[str, str], first: str, *, grant: str) -> OAuthTokens:
    order = ["live", "v2"] if first != "v2" else ["v2", "live"]
    form = {**form, "client_id": app.client_id, "client_secret": app.client_secret}
    for endpoint in order:
        reply = await http.post_form(TOKEN_ENDPOINTS[endpoint], form)
        if reply.ok:
            return _tokens(reply, endpoint)
        if reply.field("error") == "invalid_client":
            continue  # the other endpoint may know this app
        raise _refusal(reply, endpoint, grant)
    raise AuthError(
        "the Azure app was refused (invalid_client) by login.live.com and login.microsoftonline.com: "
        "check the client id and the client secret (the secret's Value, not its Secret ID) and that "
        "the app allows personal Microsoft accounts"
    )


def _tokens(reply: AuthReply, endpoint: str) -> OAuthTokens:
    access = reply.field("access_token")
    refresh = reply.field("refresh_token")
    REDACTOR.register(access)
    REDACTOR.register(refresh)
    if access is None:
        raise HaloError(f"unexpected answer from the {endpoint} token endpoint: no access_token")
    return OAuthTokens(access, refresh, endpoint)


def _refusal(reply: AuthReply, endpoint: str, grant: str) -> HaloError:
    host = "login.live.com" if endpoint == "live" else "login.microsoftonline.com"
    error = reply.field("error")
    if error == "invalid_grant" and grant == "refresh":
        return RefreshTokenRejected("invalid_grant: expired or revoked")
    if error == "invalid_grant":
        return AuthError(
            "the authorization code was refused (invalid_grant): a code works once and only for a "
            "few minutes, and the redirect URI must be exactly the app's; run `halo auth login` again"
        )
    if error:
        description = (reply.field("error_description") or "").splitlines()[0:1]
        detail = f" ({description[0][:160]})" if description else ""
        return AuthError(REDACTOR(f"{host} refused the sign-in: {error}{detail}"))
    return AuthError(REDACTOR(f"{host} refused the sign-in: HTTP {reply.status} {reply.snippet}".rstrip()))
