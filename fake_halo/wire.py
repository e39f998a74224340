"""Transport-neutral request and response values shared by the router and the HTTP server."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus


@dataclass(frozen=True)
class Request:
    method: str
    host: str  # first path segment: the first DNS label of the real service
    path: str  # the rest of the path, percent-decoded segment by segment ("/hi/matches/x/stats")
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]  # case-insensitive lookups (http.client.HTTPMessage)
    body: bytes = b""

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def int_param(self, name: str, default: int, *, minimum: int) -> int:
        raw = self.param(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError as exc:
            raise ApiError(
                400, f"query parameter {name!r} must be an integer, got {raw!r}"
            ) from exc
        if value < minimum:
            raise ApiError(400, f"query parameter {name!r} must be >= {minimum}, got {value}")
        return value

    def json_body(self) -> dict:
        try:
            data = json.loads(self.body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ApiError(400, f"request body is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ApiError(400, "request body must be a JSON object")
        return data


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering


class ApiError(Exception):
    """Ends a request with ``status`` and a JSON error body (never kills the server)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def dumps(payload: object) -> bytes:
    # Compact, key order as built: identical input gives byte-identical output.
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_response(payload: object, status: int = 200) -> Response:
    return Response(status, dumps(payload))


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    body = {"status": status, "error": reason, "message": message}
    return Response(status, dumps(body), headers=dict(headers or {}))
