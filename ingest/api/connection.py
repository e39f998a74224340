"""Opening an authenticated API connection: token checks, clearance, and the signed-in user.

(An API *connection*, not a play session: those are dbt's ``fct_sessions``.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from ..errors import HaloError
from . import urls
from .client import HaloHttp, HttpSettings, TokenSource
from .credentials import REDACTOR, parse_clearance, parse_spartan_token
from .profiles import ResolvedPlayer, profile_to_player
from .tokens import StaticTokens
from .urls import UrlMapper


@dataclass
class ApiConnection:
    http: HaloHttp
    me: ResolvedPlayer


@asynccontextmanager
async def open_api_connection(
    spartan_token: str | None,
    clearance: str | None,
    base_url: str | None,
    settings: HttpSettings | None = None,
    *,
    tokens: TokenSource | None = None,
) -> AsyncIterator[ApiConnection]:
    """Validate the credentials with ``/users/me``; fetch the clearance when it was not given.

    ``tokens`` is a self-renewing source (refresh-token sign-in); without it the pasted Spartan
    token is used as is.
    """
    if tokens is None:
        tokens = StaticTokens(parse_spartan_token(spartan_token), parse_clearance(clearance))
    mapper = UrlMapper.from_setting(base_url)
    http = HaloHttp(tokens, mapper=mapper, settings=settings)
    try:
        me = await http.get(urls.users_me())
        if not me.ok:
            raise HaloError(f"could not validate the Spartan token (profile /users/me): {me.error}")
        signed_in = profile_to_player(me.data, "the signed-in user")
        if tokens.clearance is None:
            flight = await http.get(urls.clearance())
            value = flight.data.get("FlightConfigurationId") if flight.ok and isinstance(flight.data, dict) else None
            if not isinstance(value, str) or not value:
                raise HaloError(f"could not fetch the clearance (flight configuration): {flight.error or 'no FlightConfigurationId'}")
            REDACTOR.register(value)
            tokens.clearance = value
        yield ApiConnection(http, signed_in)
    finally:
        await http.aclose()
