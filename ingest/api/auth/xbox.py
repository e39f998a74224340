"""The Xbox/Halo half of the chain: access token → Xbox user token → XSTS → Spartan → clearance.

The last four steps of the sign-in chain. Unlike SPNKr, every step checks its status and the keys it needs, so a
refusal ends in one line naming the step instead of a KeyError three calls later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ...errors import AuthError, HaloError
from ..credentials import REDACTOR
from .client import AuthHttp, AuthReply
from .hosts import (
    HALO_RELYING_PARTY,
    SPARTAN_TOKEN_URL,
    XBOX_RELYING_PARTY,
    XBOX_USER_HOST,
    XBOX_USER_URL,
    XSTS_URL,
    clearance_url,
)
from .store import parse_time

XBL_HEADERS = {"x-xbl-contract-version": "1"}
SPARTAN_HEADER = "x-343-authorization-spartan"
CLEARANCE_HEADER = "343-clearance"
# Well-known XSTS refusal codes (the XErr field of a 401): each one is something the user can fix.
XERR_HINTS = {
    2148916233: "this Microsoft account has no Xbox profile yet (sign in once on xbox.com)",
    2148916235: "Xbox Live is not available in this account's country or region",
    2148916236: "the account needs adult verification (South Korea)",
    2148916237: "the account needs adult verification (South Korea)",
    2148916238: "this is a child account: an adult must add it to a Microsoft family group",
}


@dataclass(frozen=True)
class HaloSignIn:
    spartan_token: str
    clearance: str
    expires_at: datetime
    xuid: str | None
    gamertag: str | None


async def sign_in_to_halo(http: AuthHttp, access_token: str) -> HaloSignIn:
    user_token = await xbox_user_token(http, access_token)
    xsts, xuid, gamertag = await xsts_token(http, user_token, HALO_RELYING_PARTY)
    spartan, expires_at = await spartan_token(http, xsts)
    return HaloSignIn(spartan, await clearance(http, spartan), expires_at, xuid, gamertag)


async def xbox_user_token(http: AuthHttp, access_token: str) -> str:
    body = {
        "RelyingParty": XBOX_RELYING_PARTY,
        "TokenType": "JWT",
        "Properties": {
            "AuthMethod": "RPS",
            "SiteName": XBOX_USER_HOST,
            "RpsTicket": f"d={access_token}",
        },
    }
    reply = await http.post_json(XBOX_USER_URL, body, XBL_HEADERS)
    if reply.status in (400, 401, 403):
        raise AuthError(
            f"Xbox Live refused the Microsoft account sign-in (user.auth.xboxlive.com answered "
            f"{reply.status}); run `halo auth login` again"
        )
    return _token(reply, "the Xbox user token service")


async def xsts_token(http: AuthHttp, user_token: str, relying_party: str) -> tuple[str, str | None, str | None]:
    """The XSTS token for ``relying_party`` and the XUID and gamertag it names (when it does)."""
    body = {
        "RelyingParty": relying_party,
        "TokenType": "JWT",
        "Properties": {"UserTokens": [user_token], "SandboxId": "RETAIL"},
    }
    reply = await http.post_json(XSTS_URL, body, XBL_HEADERS)
    if reply.status in (400, 401, 403):
        code = reply.data.get("XErr") if isinstance(reply.data, dict) else None
        hint = XERR_HINTS.get(code) if isinstance(code, int) else None
        raise AuthError(
            f"Xbox Live refused the Halo authorization (xsts.auth.xboxlive.com answered {reply.status}"
            + (f", XErr {code}" if code is not None else "") + ")"
            + (f": {hint}" if hint else "; run `halo auth login` again")
        )
    token = _token(reply, "the XSTS service")
    claims = reply.data.get("DisplayClaims", {}) if isinstance(reply.data, dict) else {}
    users = claims.get("xui") if isinstance(claims, dict) else None
    first = users[0] if isinstance(users, list) and users and isinstance(users[0], dict) else {}
    xuid = first.get("xid") if isinstance(first.get("xid"), str) else None
    gamertag = first.get("gtg") if isinstance(first.get("gtg"), str) else None
    return token, xuid, gamertag


async def spartan_token(http: AuthHttp, halo_xsts_token: str) -> tuple[str, datetime]:
    body = {
        "Audience": "urn:343:s3:services",
        "MinVersion": "4",
        "Proof": [{"Token": halo_xsts_token, "TokenType": "Xbox_XSTSv3"}],
    }
    reply = await http.post_json(SPARTAN_TOKEN_URL, body)
    if reply.status in (400, 401, 403):
        raise AuthError(
            f"the Halo sign-in service refused the Xbox token (settings /spartan-token answered "
            f"{reply.status}); run `halo auth login` again"
        )
    if not reply.ok:
        raise HaloError(f"unexpected answer from settings /spartan-token: HTTP {reply.status} {reply.snippet}")
    token = reply.field("SpartanToken")
    REDACTOR.register(token)
    expires = reply.data.get("ExpiresUtc")
    raw_expiry = expires.get("ISO8601Date") if isinstance(expires, dict) else None
    if token is None or not isinstance(raw_expiry, str):
        raise HaloError("unexpected answer from settings /spartan-token: no SpartanToken or ExpiresUtc")
    try:
        return token, parse_time(raw_expiry)
    except ValueError:
        raise HaloError("unexpected answer from settings /spartan-token: ExpiresUtc is not a time") from None


async def clearance(http: AuthHttp, spartan: str) -> str:
    reply = await http.get_json(clearance_url(), {SPARTAN_HEADER: spartan})
    if reply.status in (401, 403):
        raise AuthError(f"the new Spartan token was refused by the clearance service (HTTP {reply.status})")
    value = reply.field("FlightConfigurationId") if reply.ok else None
    if value is None:
        raise HaloError(
            f"could not fetch the clearance (flight configuration): HTTP {reply.status} {reply.snippet}".rstrip()
        )
    REDACTOR.register(value)
    return value


def _token(reply: AuthReply, service: str) -> str:
    if not reply.ok:
        raise HaloError(f"unexpected answer from {service}: HTTP {reply.status} {reply.snippet}".rstrip())
    token = reply.field("Token")
    REDACTOR.register(token)
    if token is None:
        raise HaloError(f"unexpected answer from {service}: no Token")
    return token
