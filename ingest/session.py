"""Opening an authenticated API session: token checks, clearance, and the signed-in user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from . import urls
from .auth.handoff import adopt_prepared_source
from .credentials import REDACTOR, parse_clearance, parse_spartan_token
from .errors import HaloError
from .http import HaloHttp, HttpSettings
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
) -> AsyncIterator[ApiSession]:
    """Validate the token with ``/users/me`` and fetch the clearance when it was not given."""
    token = parse_spartan_token(spartan_token)
    # A token `halo ingest` obtained from a refresh token comes with a source that renews it.
    tokens = adopt_prepared_source(token) or StaticTokens(token, parse_clearance(clearance))
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
