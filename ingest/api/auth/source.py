"""``RefreshTokenSource``: the :class:`ingest.api.client.TokenSource` for unattended runs.

It hands out the cached Spartan token while it is fresh, renews it (the whole chain from the refresh
token) when less than ten minutes remain — checked on every ``headers()`` call, so a long run never
sends a token about to expire — and once more when the API answers 401 (``refresh()``). Every chain
run is written to the config file: the new Spartan token and clearance with their expiry, and the
refresh token when the service rotated it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from ...errors import AuthError
from ..credentials import REDACTOR
from .client import AuthHttp, AuthHttpSettings
from .hosts import AuthUrlMapper
from .oauth import AzureApp, OAuthTokens, RefreshTokenRejected, refresh_access
from .store import (
    CONFIG_LINEAGE,
    AuthConfig,
    AuthStore,
    CachedSession,
    RefreshRecord,
    lineage_of,
    utc_now,
)
from .xbox import CLEARANCE_HEADER, SPARTAN_HEADER, sign_in_to_halo


@dataclass(frozen=True)
class RefreshCredentials:
    app: AzureApp
    refresh_token: str  # as supplied (flag, environment or config file)
    origin: str  # "flag" | "env" | "config"
    where: str  # for messages: "--refresh-token", "HALO_REFRESH_TOKEN", "the config file …"

    def __post_init__(self) -> None:
        REDACTOR.register(self.refresh_token)

    @property
    def lineage(self) -> str:
        return CONFIG_LINEAGE if self.origin == "config" else lineage_of(self.refresh_token)


class RefreshTokenSource:
    def __init__(
        self,
        credentials: RefreshCredentials,
        store: AuthStore,
        mapper: AuthUrlMapper,
        *,
        http_settings: AuthHttpSettings | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.credentials = credentials
        self.store = store
        self.mapper = mapper
        self.http_settings = http_settings or AuthHttpSettings()
        self.clock = clock
        self.session: CachedSession | None = None
        self.chain_runs = 0  # in this process: how often the chain actually ran
        self.rotations = 0
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        self._refusal: AuthError | None = None  # the refresh token was refused in this process

    # -- TokenSource -------------------------------------------------------------------------------
    async def headers(self) -> dict[str, str]:
        session = self.session
        if session is None or not session.is_fresh(self.clock()):
            session = await self._renew(keep=lambda current: current.is_fresh(self.clock()))
        return {SPARTAN_HEADER: session.spartan_token, CLEARANCE_HEADER: session.clearance}

    async def refresh(self) -> bool:
        """The API refused the current token: run the chain again (raises when that fails).

        Several clients (one per host) may see the same token refused at once: the ones queued
        behind a renewal use its result instead of running the chain again."""
        refused = self.session
        await self._renew(keep=lambda current: current is not refused)
        return True

    # -- what ingest.session reads -----------------------------------------------------------------
    @property
    def clearance(self) -> str | None:
        return self.session.clearance if self.session else None

    @clearance.setter
    def clearance(self, value: str | None) -> None:
        if self.session is not None and value:
            self.session = replace(self.session, clearance=value)

    # -- the chain ---------------------------------------------------------------------------------
    async def prepare(self) -> CachedSession:
        """A usable session before the run: the cached one when fresh, else one chain run."""
        cached = self.store.load().session
        if (
            cached is not None
            and cached.lineage == self.credentials.lineage
            and cached.api_base == self.mapper.base_url
            and cached.is_fresh(self.clock())
        ):
            self.session = cached
            return cached
        return await self._renew(keep=lambda current: False)

    def _lock(self) -> asyncio.Lock:
        # One lock per event loop: the CLI signs in on one loop and ingests on another.
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    async def _renew(self, *, keep: Callable[[CachedSession], bool]) -> CachedSession:
        """Run the chain, under the lock, unless ``keep(session)`` says the session found there will
        do (another caller renewed it while this one waited). A refusal is final for the run."""
        async with self._lock():
            if self._refusal is not None:
                raise self._refusal
            if self.session is None or not keep(self.session):
                self.session = await self._run_chain()
            return self.session

    async def _run_chain(self) -> CachedSession:
        record = self._current_record(self.store.load())
        async with AuthHttp(self.mapper, self.http_settings) as http:
            try:
                oauth = await refresh_access(http, self.credentials.app, record.refresh_token, record.token_endpoint)
            except RefreshTokenRejected as exc:
                # Refused once, refused for the rest of the run: no caller asks again.
                self._refusal = AuthError(self._rejected_message(str(exc)))
                raise self._refusal from None
            signed_in = await sign_in_to_halo(http, oauth.access_token)
        now = self.clock()
        session = CachedSession(
            lineage=self.credentials.lineage,
            api_base=self.mapper.base_url,
            spartan_token=signed_in.spartan_token,
            clearance=signed_in.clearance,
            obtained_at=now,
            expires_at=signed_in.expires_at,
            xuid=signed_in.xuid,
            gamertag=signed_in.gamertag,
        )
        self.store.update(lambda config: self._remember(config, record, oauth, session, now))
        self.chain_runs += 1
        return session

    def _current_record(self, config: AuthConfig) -> RefreshRecord:
        """The refresh token to use now: the newest one of this lineage (it may have rotated)."""
        lineage = self.credentials.lineage
        if lineage == CONFIG_LINEAGE and config.refresh is not None:
            return config.refresh
        if config.supplied is not None and config.supplied.lineage == lineage:
            return config.supplied
        return RefreshRecord(lineage, self.credentials.refresh_token)

    def _remember(
        self, config: AuthConfig, used: RefreshRecord, oauth: OAuthTokens, session: CachedSession, now: datetime
    ) -> None:
        rotated = oauth.refresh_token is not None and oauth.refresh_token != used.refresh_token
        record = replace(
            used,
            refresh_token=oauth.refresh_token if rotated and oauth.refresh_token else used.refresh_token,
            token_endpoint=oauth.token_endpoint,
            saved_at=now if rotated or used.saved_at is None else used.saved_at,
            rotated_at=now if rotated else used.rotated_at,
        )
        if rotated:
            self.rotations += 1
        if used.lineage == CONFIG_LINEAGE:
            if config.refresh is not None and config.refresh.refresh_token != used.refresh_token:
                return  # a `halo auth login` ran meanwhile: its token and account win
            config.refresh = record
        elif rotated or record.token_endpoint != "live" or (
            config.supplied is not None and config.supplied.lineage == used.lineage
        ):
            # A token given by flag/env cannot be written back where it came from; its successor
            # is kept here and used by the next run that is given the same token.
            config.supplied = record
        config.session = session

    def _rejected_message(self, reason: str) -> str:
        where = self.credentials.where
        if self.credentials.origin == "config":
            return f"the stored refresh token was refused ({reason}): run `halo auth login` again"
        return (
            f"the refresh token from {where} was refused ({reason}): run `halo auth login` again "
            f"and update {where}"
        )
