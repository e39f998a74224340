"""A fake Microsoft/Xbox/Halo sign-in chain for the fake API (loopback tests of unattended runs).

``FakeAuthService(...).install(api)`` adds routes for login.live.com (authorize, token),
login.microsoftonline.com (v2 consumer token), user.auth.xboxlive.com, xsts.auth.xboxlive.com and
``settings /spartan-token``, with the shapes of ``fake_halo/data/responses/{oauth2,xbox_user,xsts_halo,
spartan}.json``. Every token it hands out is fresh and random, and each step accepts only what the
previous step issued, so a client must really walk the whole chain.

It also takes over the API's Spartan-token check (``FakeHaloApi.token_check``): a Spartan token is
accepted while it has not expired (``spartan_lifetime``), has uses left (``expire_next_spartan_after``)
and was not revoked (``revoke_spartan_tokens``), which is how a test makes a token run out mid-run.
Knobs for the failure paths: ``live_rejects_client`` (invalid_client on login.live.com, the v2
endpoint accepts), ``rotate_refresh_tokens`` (every refresh hands out a new refresh token and retires
the old one), ``revoke_refresh_tokens`` (invalid_grant), ``xsts_xerr`` (XSTS refuses with that XErr).
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode

from .api import FakeHaloApi
from .routes import Handler, Route
from .wire import ApiError, Request, Response, json_response

HALO_RELYING_PARTY = "https://prod.xsts.halowaypoint.com/"
XBOX_RELYING_PARTY = "http://auth.xboxlive.com"
REQUIRED_SCOPES = ("Xboxlive.signin", "Xboxlive.offline_access")
AuthHandler = Callable[["FakeAuthService", FakeHaloApi, Request], Response]


@dataclass
class SpartanGrant:
    expires_at: datetime
    uses_left: int | None  # None: unlimited
    generation: int  # revocation generation it was issued in


@dataclass
class FakeAuthService:
    client_id: str = "fake-azure-client-id"
    client_secret: str = "fake-azure-client-secret"
    live_rejects_client: bool = False
    rotate_refresh_tokens: bool = False
    spartan_lifetime: timedelta = timedelta(hours=4)
    accept_static_token: bool = True  # the API's fixed token keeps working (pasted-token tests)
    xsts_xerr: int | None = None
    api: FakeHaloApi | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _codes: dict[str, str] = field(default_factory=dict, repr=False)  # code -> redirect_uri
    _refresh: set[str] = field(default_factory=set, repr=False)
    _access: set[str] = field(default_factory=set, repr=False)
    _user: set[str] = field(default_factory=set, repr=False)
    _xsts: dict[str, str] = field(default_factory=dict, repr=False)  # token -> relying party
    _spartan: dict[str, SpartanGrant] = field(default_factory=dict, repr=False)
    _generation: int = 0
    _next_uses: int | None = None
    issued: list[str] = field(default_factory=list, repr=False)  # every secret handed out
    grants: dict[str, int] = field(default_factory=dict)  # "code@live", "refresh@v2", ... -> count

    # -- set-up and test controls ------------------------------------------------------------------
    def install(self, api: FakeHaloApi) -> FakeAuthService:
        self.api = api
        for host, pattern, endpoint, handler, method in ROUTES:
            api.add_route(Route(host, pattern, endpoint, self._bind(handler), auth=False, method=method))
        api.token_check = self.accepts_spartan
        return self

    def _bind(self, handler: AuthHandler) -> Handler:
        def serve(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
            return handler(self, api, request)

        return serve

    def issue_code(self, redirect_uri: str = "https://localhost") -> str:
        """What the browser step yields: a single-use authorization code."""
        with self._lock:
            code = self._new("code")
            self._codes[code] = redirect_uri
            return code

    def issue_refresh_token(self) -> str:
        """A refresh token as if `halo auth login` had run before."""
        with self._lock:
            token = self._new("refresh")
            self._refresh.add(token)
            return token

    def revoke_refresh_tokens(self) -> None:
        with self._lock:
            self._refresh.clear()

    def revoke_spartan_tokens(self) -> None:
        """Every Spartan token issued so far stops working (like an expiry)."""
        with self._lock:
            self._generation += 1

    def expire_next_spartan_after(self, uses: int) -> None:
        """The next Spartan token issued is accepted for ``uses`` authorized requests only."""
        with self._lock:
            self._next_uses = uses

    def valid_refresh_tokens(self) -> set[str]:
        with self._lock:
            return set(self._refresh)

    def spartan_issued(self) -> int:
        with self._lock:
            return len(self._spartan)

    def accepts_spartan(self, token: str) -> bool:
        with self._lock:
            grant = self._spartan.get(token)
            if grant is None:
                static = self.api.token if self.api is not None else None
                return bool(
                    self.accept_static_token and static
                    and hmac.compare_digest(token.encode(), static.encode())
                )
            if grant.generation != self._generation or grant.expires_at <= datetime.now(UTC):
                return False
            if grant.uses_left is not None:
                if grant.uses_left <= 0:
                    return False
                grant.uses_left -= 1
            return True

    # -- helpers for the handlers ------------------------------------------------------------------
    def _new(self, kind: str) -> str:
        value = f"fake-{kind}-{secrets.token_urlsafe(18)}"
        self.issued.append(value)
        return value

    def _count(self, grant: str) -> None:
        self.grants[grant] = self.grants.get(grant, 0) + 1


# -- OAuth -----------------------------------------------------------------------------------------
def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return json_response({"error": error, "error_description": description}, status)


def _form(request: Request) -> dict[str, str]:
    try:
        parsed = parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError as exc:
        raise ApiError(400, "the form body is not UTF-8") from exc
    return {key: values[-1] for key, values in parsed.items()}


def authorize(service: FakeAuthService, api: FakeHaloApi, request: Request) -> Response:
    """The browser step: redirect straight back with a code (no sign-in page on loopback)."""
    if request.param("client_id") != service.client_id or request.param("response_type") != "code":
        return _oauth_error("invalid_request", "unknown client_id or response_type is not code")
    scopes = (request.param("scope") or "").split()
    if any(scope not in scopes for scope in REQUIRED_SCOPES):
        return _oauth_error("invalid_scope", f"scope must include {' '.join(REQUIRED_SCOPES)}")
    redirect_uri = request.param("redirect_uri") or ""
    code = service.issue_code(redirect_uri)
    location = f"{redirect_uri.rstrip('/')}/?{urlencode({'code': code})}"
    return Response(302, b"{}", headers={"Location": location})


def _token(service: FakeAuthService, request: Request, endpoint: str) -> Response:
    form = _form(request)
    if endpoint == "live" and service.live_rejects_client:
        return _oauth_error("invalid_client", "The client does not exist or is not enabled for consumers.")
    if form.get("client_id") != service.client_id or form.get("client_secret") != service.client_secret:
        return _oauth_error("invalid_client", "The client credentials are not valid.", 401)
    scopes = (form.get("scope") or "").split()
    if any(scope not in scopes for scope in REQUIRED_SCOPES):
        return _oauth_error("invalid_scope", "The requested scope is not valid.")
    grant = form.get("grant_type")
    with service._lock:
        if grant == "authorization_code":
            redirect = service._codes.pop(form.get("code", ""), None)
            if redirect is None or redirect != form.get("redirect_uri"):
                return _oauth_error("invalid_grant", "The provided value for the 'code' parameter is not valid.")
            refresh = service._new("refresh")
            service._refresh.add(refresh)
        elif grant == "refresh_token":
            given = form.get("refresh_token", "")
            if given not in service._refresh:
                return _oauth_error("invalid_grant", "The provided value for the 'refresh_token' is not valid.")
            refresh = given
            if service.rotate_refresh_tokens:
                service._refresh.discard(given)
                refresh = service._new("refresh")
                service._refresh.add(refresh)
        else:
            return _oauth_error("unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
        access = service._new("access")
        service._access.add(access)
        service._count(f"{'code' if grant == 'authorization_code' else 'refresh'}@{endpoint}")
    return json_response({
        "token_type": "bearer", "expires_in": 3600, "scope": " ".join(REQUIRED_SCOPES),
        "access_token": access, "refresh_token": refresh, "user_id": "123456789",
    })


def live_token(service: FakeAuthService, api: FakeHaloApi, request: Request) -> Response:
    return _token(service, request, "live")


def v2_token(service: FakeAuthService, api: FakeHaloApi, request: Request) -> Response:
    return _token(service, request, "v2")


# -- Xbox Live ------------------------------------------------------------------------------------
def _xbl_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def _xbl_check(request: Request) -> dict:
    if request.headers.get("x-xbl-contract-version") != "1":
        raise ApiError(400, "x-xbl-contract-version: 1 is required")
    body = request.json_body()
    if body.get("TokenType") != "JWT":
        raise ApiError(400, "TokenType must be JWT")
    properties = body.get("Properties")
    if not isinstance(properties, dict):
        raise ApiError(400, "Properties is required")
    return body


def xbox_user(service: FakeAuthService, api: FakeHaloApi, request: Request) -> Response:
    body = _xbl_check(request)
    properties = body["Properties"]
    ticket = str(properties.get("RpsTicket", ""))
    if body.get("RelyingParty") != XBOX_RELYING_PARTY or properties.get("AuthMethod") != "RPS":
        raise ApiError(400, "RelyingParty http://auth.xboxlive.com with AuthMethod RPS expected")
    with service._lock:
        if not ticket.startswith("d=") or ticket[2:] not in service._access:
            return Response(401, b"")
        token = service._new("xbox-user")
        service._user.add(token)
    now = datetime.now(UTC)
    return json_response({
        "IssueInstant": _xbl_time(now), "NotAfter": _xbl_time(now + timedelta(days=14)),
        "Token": token, "DisplayClaims": {"xui": [{"uhs": "1234567890123456789"}]},
    })


def xsts(service: FakeAuthService, api: FakeHaloApi, request: Request) -> Response:
    body = _xbl_check(request)
    properties = body["Properties"]
    users = properties.get("UserTokens")
    relying_party = body.get("RelyingParty")
    if relying_party not in (HALO_RELYING_PARTY, "http://xboxlive.com"):
        raise ApiError(400, f"unknown RelyingParty {relying_party!r}")
    if service.xsts_xerr is not None:
        return json_response({"Identity": "0", "XErr": service.xsts_xerr, "Message": "", "Redirect": ""}, 401)
    with service._lock:
        if not isinstance(users, list) or len(users) != 1 or users[0] not in service._user:
            return Response(401, b"")
        token = service._new("xsts")
        service._xsts[token] = str(relying_party)
    me = api.career.me
    now = datetime.now(UTC)
    return json_response({
        "IssueInstant": _xbl_time(now), "NotAfter": _xbl_time(now + timedelta(hours=16)),
        "Token": token,
        "DisplayClaims": {"xui": [{
            "gtg": me.gamertag, "xid": str(me.xuid), "uhs": "1234567890123456789",
            "agg": "Adult", "usr": "", "utr": "", "prv": "",
        }]},
    })


# -- Halo ------------------------------------------------------------------------------------------
def spartan_token(service: FakeAuthService, api: FakeHaloApi, request: Request) -> Response:
    body = request.json_body()
    proof = body.get("Proof")
    if body.get("Audience") != "urn:343:s3:services" or body.get("MinVersion") != "4":
        raise ApiError(400, "Audience urn:343:s3:services and MinVersion 4 expected")
    if not (isinstance(proof, list) and len(proof) == 1 and isinstance(proof[0], dict)
            and proof[0].get("TokenType") == "Xbox_XSTSv3"):
        raise ApiError(400, "Proof must hold one Xbox_XSTSv3 token")
    now = datetime.now(UTC)
    with service._lock:
        if service._xsts.get(str(proof[0].get("Token"))) != HALO_RELYING_PARTY:
            raise ApiError(401, "the proof is not an XSTS token for the Halo relying party")
        token = service._new("spartan")
        expires = now + service.spartan_lifetime
        service._spartan[token] = SpartanGrant(expires, service._next_uses, service._generation)
        service._next_uses = None
    seconds = service.spartan_lifetime.total_seconds()
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return json_response({
        "ExpiresUtc": {"ISO8601Date": expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ")},
        "SpartanToken": token,
        "TokenDuration": f"PT{int(hours)}H{int(minutes)}M{secs:.4f}S",
    })


# (host, path pattern, endpoint name, handler, method); none needs a Spartan token.
ROUTES: tuple[tuple[str, str, str, AuthHandler, str], ...] = (
    ("login.live.com", r"/oauth20_authorize\.srf", "authorize", authorize, "GET"),
    ("login.live.com", r"/oauth20_token\.srf", "oauth_token", live_token, "POST"),
    ("login.microsoftonline.com", r"/consumers/oauth2/v2\.0/token", "oauth_token_v2", v2_token, "POST"),
    ("user.auth.xboxlive.com", r"/user/authenticate", "xbox_user", xbox_user, "POST"),
    ("xsts.auth.xboxlive.com", r"/xsts/authorize", "xsts", xsts, "POST"),
    ("settings", r"/spartan-token", "spartan_token", spartan_token, "POST"),
)
