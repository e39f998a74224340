"""The fake Halo API as a plain object: one request in, one response out (no sockets here).

Order of work per API request: route it, let the fault engine decide (latency, rate limit,
injected failure), check the Spartan token, render, then log the outcome. Control requests
(``/_control/...``) bypass faults, auth and the log, so a test harness can always reach them.
"""

from __future__ import annotations

import hmac
import random
import sys
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit

from .assets import AssetCatalog
from .career import Career
from .faults import FaultConfig, FaultEngine
from .films import FilmRenderer
from .payloads import format_time
from .routes import ROUTES, Route
from .schedule import new_match_id
from .skill import SkillRenderer
from .wire import ApiError, Request, Response, error_response, json_response

DEFAULT_TOKEN = "demo-spartan-token"
AUTH_HEADER = "x-343-authorization-spartan"
CONTROL_PREFIX = "/_control/"
LOG_LIMIT = 200_000  # records kept; the per-endpoint counters are exact regardless


@dataclass(frozen=True)
class RequestRecord:
    method: str
    host: str
    path: str  # after the host segment, as received (still percent-encoded)
    query: str
    status: int  # 0 when the connection was dropped
    time: float  # epoch seconds when the request arrived
    endpoint: str  # short name ("history", "stats", ...) or "unknown"
    fault: str | None  # what the fault engine did, if anything


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: deque[RequestRecord] = deque(maxlen=LOG_LIMIT)
        self._counts: Counter[tuple[str, str]] = Counter()

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)
            self._counts[(record.host, record.endpoint)] += 1

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def count(self, host: str | None = None, endpoint: str | None = None) -> int:
        with self._lock:
            return sum(
                n
                for (h, e), n in self._counts.items()
                if (host is None or h == host) and (endpoint is None or e == endpoint)
            )

    def per_endpoint(self) -> dict[str, int]:
        with self._lock:
            totals: Counter[str] = Counter()
            for (_, endpoint), n in self._counts.items():
                totals[endpoint] += n
            return dict(sorted(totals.items()))

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._counts.clear()


class FakeHaloApi:
    def __init__(
        self,
        career: Career,
        *,
        token: str = DEFAULT_TOKEN,
        faults: FaultConfig | None = None,
    ) -> None:
        self.career = career
        self.token = token
        self.routes: list[Route] = list(ROUTES)
        self.skill = SkillRenderer(career)
        self.films = FilmRenderer(career)
        self.assets = AssetCatalog(career.fixtures)
        self.clearance_id = new_match_id(random.Random(f"{career.spec.seed}:clearance"))
        self.log = RequestLog()
        # When set, decides which Spartan tokens are accepted instead of the fixed ``token``: the
        # fake sign-in service (auth_routes) installs one so issued tokens can rotate and expire.
        self.token_check: Callable[[str], bool] | None = None
        self._initial_faults = faults or FaultConfig()
        self.faults = FaultEngine(self._initial_faults)

    def add_route(self, route: Route) -> None:
        """Serve another endpoint (checked before the built-in routes)."""
        self.routes.insert(0, route)

    def set_faults(self, config: FaultConfig) -> None:
        self.faults.configure(config)

    def reset(self) -> None:
        """Clear the request log, restore the initial faults, drop matches added at runtime."""
        self.log.clear()
        self.faults.configure(self._initial_faults)
        self.career.reset()

    # -- dispatch --------------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Response:
        """Answer one request; never raises (errors become JSON error responses)."""
        arrived = time.time()
        parts = urlsplit(target)
        if parts.path.startswith(CONTROL_PREFIX):
            return self._guarded(lambda: self._control(method, parts.path, parts.query, body))
        raw_segments = parts.path.split("/")[1:]
        host = unquote(raw_segments[0]) if raw_segments else ""
        rest = "/" + "/".join(unquote(s) for s in raw_segments[1:]) if len(raw_segments) > 1 else ""
        route, groups = self._route(host, rest)
        endpoint = route.endpoint if route else "unknown"
        request = Request(
            method, host, rest, parse_qs(parts.query, keep_blank_values=True), headers, body
        )
        decision = self.faults.decide(host, endpoint, target)  # path and query: rules may match either
        if decision.delay_s > 0:
            time.sleep(decision.delay_s)
        if decision.action == "drop":
            response = Response(0, drop=True)
        elif decision.action == "status":
            extra = {"Retry-After": str(decision.retry_after)} if decision.retry_after else {}
            response = error_response(decision.status, "injected fault", extra)
        else:
            response = self._guarded(lambda: self._serve(route, groups, request))
            if decision.action == "truncated_json":
                response = Response(200, response.body[: len(response.body) // 2])
            elif decision.action == "invalid_json":
                response = Response(200, b'{"Results": [<<not json>>')
        path = parts.path[len(raw_segments[0]) + 1 :] if raw_segments else parts.path
        self.log.add(
            RequestRecord(
                method, host, path, parts.query, response.status, arrived, endpoint, decision.label
            )
        )
        return response

    def _route(self, host: str, path: str) -> tuple[Route | None, tuple[str, ...]]:
        for route in self.routes:
            found = route.match(host, path)
            if found is not None:
                return route, found.groups()
        return None, ()

    def _serve(self, route: Route | None, groups: tuple[str, ...], request: Request) -> Response:
        if route is None:
            raise ApiError(404, f"no such endpoint: /{request.host}{request.path}")
        if request.method != route.method:
            raise ApiError(405, f"{request.method} not allowed here (use {route.method})")
        if route.auth and not self._authorized(request.headers):
            raise ApiError(401, f"missing or invalid {AUTH_HEADER} header")
        return route.handler(self, request, groups)

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        given = headers.get(AUTH_HEADER)
        if given is not None and self.token_check is not None:
            return self.token_check(given)
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    @staticmethod
    def _guarded(work: Callable[[], Response]) -> Response:
        try:
            return work()
        except ApiError as exc:
            return error_response(exc.status, exc.message, exc.headers)
        except Exception as exc:  # noqa: BLE001 - the server answers 500 and keeps running
            traceback.print_exc(file=sys.stderr)
            return error_response(500, f"internal error: {type(exc).__name__}: {exc}")

    # -- control endpoints -----------------------------------------------------------------------
    def _control(self, method: str, path: str, query: str, body: bytes) -> Response:
        request = Request(method, "_control", path, parse_qs(query), {}, body)
        name = path[len(CONTROL_PREFIX) :].rstrip("/")
        if (name, method) == ("requests", "GET"):
            # The newest `limit` records (a benchmark log would be too big to ship whole).
            limit = request.int_param("limit", 10_000, minimum=0)
            records = self.log.records()
            return json_response(
                {
                    "counts": self.log.per_endpoint(),
                    "total": self.log.count(),
                    "requests": [asdict(r) for r in records[-limit:]] if limit else [],
                }
            )
        if (name, method) == ("career", "GET"):
            return json_response(self.career.summary())
        if (name, method) == ("faults", "POST"):
            try:
                config = FaultConfig.from_dict(request.json_body())
            except ValueError as exc:
                raise ApiError(400, str(exc)) from exc
            self.set_faults(config)
            return json_response({"ok": True, "faults": config.to_dict()})
        if (name, method) == ("reset", "POST"):
            self.reset()
            return json_response({"ok": True})
        if (name, method) == ("new-match", "POST"):
            return json_response(self._new_match(request.json_body()))
        raise ApiError(404, f"no control endpoint {method} {path}")

    def _new_match(self, data: dict) -> dict:
        unknown = set(data) - {"player", "template", "teammates", "film", "start"}
        if unknown:
            raise ApiError(400, f"unknown keys: {', '.join(sorted(unknown))}")
        if not isinstance(data.get("player"), str):
            raise ApiError(400, "'player' (xuid or gamertag) is required")

        def xuid_of(text: str) -> int:
            player = self.career.player(int(text)) if text.isdigit() else None
            player = player or self.career.by_gamertag(text)
            if player is None:
                raise ApiError(404, f"unknown player {text!r}")
            return player.xuid

        try:
            start = datetime.fromisoformat(data["start"]) if data.get("start") else None
            if start is not None and start.tzinfo is None:
                raise ValueError("start must carry a time zone")
            meta = self.career.add_match(
                xuid_of(data["player"]),
                template=data.get("template", "slayer"),
                teammates=[xuid_of(str(t)) for t in data.get("teammates", [])],
                film=bool(data.get("film", False)),
                start=start,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ApiError(400, f"cannot add match: {exc}") from exc
        return {"MatchId": meta.match_id, "StartTime": format_time(meta.start_ms)}
