"""Opening an authenticated API session: token checks, clearance, and the signed-in user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from . import urls
from .credentials import REDACTOR, parse_clearance, parse_spartan_token
from .errors import HaloError
from .http import HaloHttp, HttpSettings, TokenSource
from .players import ResolvedPlayer, profile_to_player
from .tokens import StaticTokens
from .urls import UrlMapper


@dataclass
class ApiSession:
    http: HaloHttp
    me: ResolvedPlayer


@asynccontextmanager
async def open_session(
    spartan_token: str | None,
    clearance: str | None,
    base_url: str | None,
    settings: HttpSettings | None = None,
    *,
    tokens: TokenSource | None = None,
) -> AsyncIterator[ApiSession]:
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
        yield ApiSession(http, signed_in)
    finally:
        await http.aclose()
