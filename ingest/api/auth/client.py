"""HTTP for the sign-in hosts: JSON in and out, a few retries on transient trouble.

Separate from :class:`ingest.api.client.HaloHttp` on purpose: these calls are POSTs to hosts outside
halowaypoint.com, happen a handful of times per run, and must never pace or count against the data
requests. A fresh client is opened per chain run, so a token source can outlive an event loop (the
CLI signs in before the ingest loop starts).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from ...errors import ApiUnavailableError
from ..client import USER_AGENT
from ..credentials import REDACTOR
from .hosts import AuthUrlMapper

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class AuthHttpSettings:
    timeout_s: float = 20.0
    attempts: int = 3
    backoff_s: float = 1.0  # doubled per retry


@dataclass
class AuthReply:
    status: int
    data: Any  # the parsed JSON body, None when it was not JSON
    snippet: str  # the start of the body, redacted, for error messages

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.data is not None

    def field(self, name: str) -> str | None:
        value = self.data.get(name) if isinstance(self.data, dict) else None
        return value if isinstance(value, str) and value else None


class AuthHttp:
    def __init__(self, mapper: AuthUrlMapper, settings: AuthHttpSettings | None = None) -> None:
        self.mapper = mapper
        self.settings = settings or AuthHttpSettings()
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.settings.timeout_s),
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
            follow_redirects=False,
        )

    async def __aenter__(self) -> AuthHttp:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def post_form(self, url: str, form: dict[str, str]) -> AuthReply:
        return await self._request("POST", url, data=form)

    async def post_json(self, url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> AuthReply:
        return await self._request("POST", url, json=body, headers=headers)

    async def get_json(self, url: str, headers: dict[str, str] | None = None) -> AuthReply:
        return await self._request("GET", url, headers=headers)

    async def _request(self, method: str, url: str, **kwargs: Any) -> AuthReply:
        host = urlsplit(url).hostname or url
        target = self.mapper.map(url)
        problem = ""
        for attempt in range(1, self.settings.attempts + 1):
            try:
                response = await self._client.request(method, target, **kwargs)
            except httpx.TimeoutException as exc:
                problem = f"timeout ({type(exc).__name__})"
            except httpx.TransportError as exc:
                problem = f"connection error ({type(exc).__name__})"
            else:
                if response.status_code not in RETRY_STATUSES:
                    return _reply(response)
                problem = f"HTTP {response.status_code}"
            if attempt < self.settings.attempts:
                await asyncio.sleep(self.settings.backoff_s * 2 ** (attempt - 1))
        raise ApiUnavailableError(
            REDACTOR(f"could not reach {host} to sign in ({problem} after {self.settings.attempts} tries); run again later")
        )


def _reply(response: httpx.Response) -> AuthReply:
    try:
        data = json.loads(response.content) if response.content else None
    except (ValueError, UnicodeDecodeError):
        data = None
    text = response.text.strip().replace("\n", " ") if response.content else ""
    snippet = REDACTOR(text[:160] + ("…" if len(text) > 160 else ""))
    return AuthReply(response.status_code, data, snippet)
