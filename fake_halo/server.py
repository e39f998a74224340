"""The loopback HTTP server around ``FakeHaloApi``.

``running(api)`` serves from a daemon thread for tests and benchmarks; ``serve(port)`` blocks (it is
what ``halo fake-api`` runs). The server binds 127.0.0.1 only and answers every request with JSON,
including malformed ones; a handler error is a 500, never a dead server.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .api import DEFAULT_TOKEN, FakeHaloApi, RequestRecord
from .career import Career
from .faults import FaultConfig
from .spec import CareerSpec

LOOPBACK = "127.0.0.1"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real service behind its CDN
    # Headers and body leave in one write, without Nagle: otherwise delayed ACKs add ~40 ms to
    # every keep-alive response.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: _Server
    # Protocol-level errors (bad request line, oversized headers) still answer in JSON.
    error_content_type = "application/json"
    error_message_format = '{"status": %(code)d, "error": "%(message)s", "message": "%(explain)s"}'

    def _serve(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.send_error(400, "Bad Content-Length")
            return
        body = self.rfile.read(length) if length > 0 else b""
        response = self.server.api.handle(self.command, self.path, self.headers, body)
        if response.drop:
            self.close_connection = True  # nothing written: the client sees a closed socket
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Quiet: every request is in the API's own request log."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, api: FakeHaloApi, port: int) -> None:
        super().__init__((LOOPBACK, port), _Handler)
        self.api = api

    def handle_error(self, request: object, client_address: object) -> None:
        # A client closing its connection (a cancelled run, a dropped keep-alive) is routine.
        if isinstance(sys.exc_info()[1], ConnectionResetError | BrokenPipeError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class RunningServer:
    """A server started by ``running``: its address, its request log, its knobs."""

    def __init__(self, api: FakeHaloApi, server: _Server, thread: threading.Thread) -> None:
        self.api = api
        self._server = server
        self._thread = thread
        self.port: int = server.server_address[1]
        self.base_url = f"http://{LOOPBACK}:{self.port}"

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the request log (oldest first)."""
        return self.api.log.records()

    def count(self, host: str | None = None, endpoint: str | None = None) -> int:
        return self.api.log.count(host, endpoint)

    def set_faults(self, config: FaultConfig) -> None:
        self.api.set_faults(config)

    def add_match(
        self,
        player_xuid: str | int,
        *,
        template: str = "slayer",
        teammates: Sequence[str | int] = (),
        film: bool = False,
        start: datetime | None = None,
    ) -> str:
        """Append a new match at the top of the player's history; returns its MatchId."""
        meta = self.api.career.add_match(
            player_xuid, template=template, teammates=teammates, film=film, start=start
        )
        return meta.match_id

    def reset(self) -> None:
        self.api.reset()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()


@contextmanager
def running(api: FakeHaloApi, port: int = 0) -> Iterator[RunningServer]:
    """Serve ``api`` on 127.0.0.1 (port 0: any free port) from a daemon thread."""
    server = _Server(api, port)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    handle = RunningServer(api, server, thread)
    try:
        yield handle
    finally:
        handle.stop()


def serve(
    port: int = 8080,
    *,
    api: FakeHaloApi | None = None,
    token: str = DEFAULT_TOKEN,
    faults: FaultConfig | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C). Without ``api``, serves the demo career.

    ``on_ready`` receives the base URL once the socket is bound (useful with port 0).
    """
    api = api or FakeHaloApi(Career(CareerSpec.demo()), token=token, faults=faults)
    server = _Server(api, port)
    # Ctrl-C is the normal way to stop a foreground server, not an error.
    with server, contextlib.suppress(KeyboardInterrupt):
        if on_ready is not None:
            on_ready(f"http://{LOOPBACK}:{server.server_address[1]}")
        server.serve_forever(poll_interval=0.2)
