"""The async HTTP client every Halo request goes through.

Politeness: a per-host pacer applied before sending (default 5 req/s, profile 1 req/s), a per-host
and a global concurrency cap. Robustness: retries with exponential backoff and jitter on 429, 5xx,
timeouts, dropped connections and truncated/invalid JSON; ``Retry-After`` honoured (and applied to
the whole host). 401/403 stop the run (after one token refresh, when the token source can refresh).
400/404/410 are terminal for the run: returned, never retried (404 on a match that has only just
ended is the exception: the service has not processed it yet).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

from ..errors import ApiUnavailableError, AuthError
from .credentials import REDACTOR
from .pacing import Pacing
from .urls import UrlMapper, host_label

TERMINAL_STATUSES = frozenset({400, 404, 410})
AUTH_STATUSES = frozenset({401, 403})
USER_AGENT = "halo-warehouse/0.1 (+https://github.com/; personal stats ingester)"


class TokenSource(Protocol):
    """Supplies the auth headers; ``refresh`` is called once when the API answers 401."""

    clearance: str | None

    async def headers(self) -> dict[str, str]: ...

    async def refresh(self) -> bool: ...


@dataclass
class HttpSettings:
    timeout_s: float = 20.0
    max_attempts: int = 5
    max_throttled_attempts: int = 10
    backoff_base_s: float = 0.8
    backoff_max_s: float = 30.0
    retry_after_max_s: float = 300.0
    concurrency: int = 12
    per_host_concurrency: int = 4
    default_rate: float = 5.0
    host_rates: dict[str, float] = field(default_factory=lambda: {"profile": 1.0})
    # After this many logical fetches in a row end in failure, the API is considered down.
    consecutive_failure_limit: int = 30
    not_found_retry_delay_s: float = 2.0
    seed: int | None = None


@dataclass
class FetchResult:
    """How one logical fetch (with its retries) ended."""

    url: str
    outcome: str  # ok | terminal | failed
    status: int | None
    attempts: int
    content: bytes = b""
    error: str | None = None
    data: Any = None  # parsed JSON when the fetch expected JSON

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")


@dataclass
class RequestCounters:
    sent: int = 0
    by_host: dict[str, int] = field(default_factory=dict)
    throttled: int = 0
    retried: int = 0


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


class HaloHttp:
    def __init__(
        self,
        tokens: TokenSource,
        *,
        mapper: UrlMapper | None = None,
        settings: HttpSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.tokens = tokens
        self.mapper = mapper or UrlMapper()
        self.settings = settings or HttpSettings()
        self.pacing = Pacing(self.settings.default_rate, dict(self.settings.host_rates))
        self.counters = RequestCounters()
        self._global = asyncio.Semaphore(self.settings.concurrency)
        self._per_host: dict[str, asyncio.Semaphore] = {}
        self._random = random.Random(self.settings.seed)
        self._consecutive_failures = 0
        self._refresh_lock = asyncio.Lock()
        self._refresh_spent = False
        self._refresh_error: AuthError | None = None
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.settings.timeout_s),
            limits=httpx.Limits(
                max_connections=self.settings.concurrency,
                max_keepalive_connections=self.settings.concurrency,
            ),
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
            transport=transport,
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> HaloHttp:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _host_semaphore(self, host: str) -> asyncio.Semaphore:
        sem = self._per_host.get(host)
        if sem is None:
            sem = asyncio.Semaphore(self.settings.per_host_concurrency)
            self._per_host[host] = sem
        return sem

    def _backoff(self, attempt: int) -> float:
        base = min(self.settings.backoff_max_s, self.settings.backoff_base_s * 2 ** (attempt - 1))
        return base * self._random.uniform(0.5, 1.5)

    async def _send(
        self, host: str, url: str, params: Mapping[str, str | Sequence[str]] | None
    ) -> tuple[httpx.Response, dict[str, str]]:
        pacer = self.pacing.for_host(host)
        async with self._host_semaphore(host):
            await pacer.wait_turn()
            async with self._global:
                self.counters.sent += 1
                self.counters.by_host[host] = self.counters.by_host.get(host, 0) + 1
                headers = await self.tokens.headers()
                pacer.sent()  # waiting for a global slot or a token may have made this one late
                response = await self._client.get(self.mapper.map(url), params=params, headers=headers)
                return response, headers

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | Sequence[str]] | None = None,
        expect_json: bool = True,
        not_found_retries: int = 0,
    ) -> FetchResult:
        """Fetch ``url`` (its real Halo address) with pacing, retries and error classification."""
        host = host_label(url)
        sends = failures = throttles = not_found_seen = 0
        status: int | None = None
        error: str | None = None
        while True:
            sends += 1
            delay: float | None = None
            try:
                response, used_headers = await self._send(host, url, params)
            except httpx.TimeoutException as exc:
                status, error = None, f"timeout ({type(exc).__name__})"
            except httpx.TransportError as exc:
                status, error = None, f"connection error ({type(exc).__name__}: {exc})"
            else:
                status = response.status_code
                if status == 200:
                    result = self._accept(url, response, sends, expect_json)
                    if result is not None:
                        self._consecutive_failures = 0
                        self._refresh_spent = False
                        self._refresh_error = None
                        return result
                    error = f"invalid JSON in a 200 response ({len(response.content)} bytes)"
                elif status in AUTH_STATUSES:
                    if await self._refresh_after_auth_failure(used_headers):
                        continue
                    raise AuthError(
                        REDACTOR(
                            f"token expired or invalid: {host} answered {status} "
                            "(paste a fresh Spartan token, or run `halo auth login` again)"
                        )
                    )
                elif status in TERMINAL_STATUSES:
                    if status == 404 and not_found_seen < not_found_retries:
                        not_found_seen += 1
                        await asyncio.sleep(self.settings.not_found_retry_delay_s)
                        continue
                    self._consecutive_failures = 0
                    return FetchResult(
                        url, "terminal", status, sends,
                        error=REDACTOR(f"HTTP {status}: {_snippet(response)}"),
                    )
                elif status == 429:
                    # Throttling is the server pacing us, not a failure: it has its own budget.
                    throttles += 1
                    self.counters.throttled += 1
                    retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
                    delay = min(
                        self.settings.retry_after_max_s,
                        retry_after if retry_after is not None else self._backoff(throttles),
                    )
                    self.pacing.for_host(host).back_off(delay)
                    error = "HTTP 429 (throttled)"
                    if throttles >= self.settings.max_throttled_attempts:
                        return self._give_up(url, status, sends, error)
                    await asyncio.sleep(delay)
                    continue
                else:
                    error = f"HTTP {status}: {_snippet(response)}"
            failures += 1
            if failures >= self.settings.max_attempts:
                return self._give_up(url, status, sends, error)
            self.counters.retried += 1
            await asyncio.sleep(self._backoff(failures))

    def _accept(
        self, url: str, response: httpx.Response, attempts: int, expect_json: bool
    ) -> FetchResult | None:
        if not expect_json:
            return FetchResult(url, "ok", 200, attempts, content=response.content)
        try:
            data = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            return None
        return FetchResult(url, "ok", 200, attempts, content=response.content, data=data)

    def _give_up(self, url: str, status: int | None, attempts: int, error: str | None) -> FetchResult:
        self._consecutive_failures += 1
        if self._consecutive_failures >= self.settings.consecutive_failure_limit:
            raise ApiUnavailableError(
                REDACTOR(
                    f"the Halo API keeps failing ({self._consecutive_failures} fetches in a row, "
                    f"last: {error}); stopping, run again later"
                )
            )
        return FetchResult(url, "failed", status, attempts, error=REDACTOR(error or "unknown error"))

    async def _refresh_after_auth_failure(self, used_headers: dict[str, str]) -> bool:
        """True when the request should be retried with refreshed credentials."""
        async with self._refresh_lock:
            if await self.tokens.headers() != used_headers:
                return True  # another request refreshed the token meanwhile
            if self._refresh_spent:
                if self._refresh_error is not None:
                    raise self._refresh_error  # every caller sees why, not a generic 401
                return False  # refreshed already and the new token was refused too
            # One refresh per stretch of failures: a success re-arms it (long runs outlive tokens).
            self._refresh_spent = True
            try:
                return await self.tokens.refresh()
            except AuthError as exc:
                self._refresh_error = exc
                raise


def _snippet(response: httpx.Response, limit: int = 160) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:limit] + ("…" if len(text) > limit else "")
