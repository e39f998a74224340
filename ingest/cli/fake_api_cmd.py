"""``halo fake-api``: serve the fake Halo API (``fake_halo``) on loopback, for demos and trials.

The fake is imported only when the command runs: it is a test double, not part of the product.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from ..errors import UsageError
from .guard import err, error_guard


@error_guard
def fake_api(
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0 picks a free one).")] = 8765,
    seed: Annotated[int | None, typer.Option("--seed", help="Career seed (default: the demo career's).", show_default=False)] = None,
    token: Annotated[str | None, typer.Option("--token", help="Spartan token the server accepts (default: demo-spartan-token).", show_default=False)] = None,
    latency_ms: Annotated[float, typer.Option("--latency-ms", help="Added latency per request.")] = 0.0,
    rate_limit: Annotated[float | None, typer.Option("--rate-limit", help="Per-host requests/s before 429s.")] = None,
) -> None:
    """Serve a fake Halo API on loopback from the recorded payloads (for demos and tests)."""
    from fake_halo import (
        DEFAULT_TOKEN,
        Career,
        CareerSpec,
        FakeHaloApi,
        FaultConfig,
        RateLimit,
        serve,
    )

    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {port}")
    spec = CareerSpec.demo() if seed is None else replace(CareerSpec.demo(), seed=seed)
    accepted = token or DEFAULT_TOKEN
    faults = FaultConfig(
        latency_ms=latency_ms,
        rate_limit=RateLimit(rate_limit) if rate_limit else None,
    )
    api = FakeHaloApi(Career(spec), token=accepted, faults=faults)
    serve(port, api=api, on_ready=lambda url: err.print(
        f"fake Halo API serving the demo career on {url} (Ctrl+C to stop); "
        f"use HALO_API_BASE_URL={url} HALO_SPARTAN_TOKEN={accepted}", markup=False))
