"""Pacing precision: would a server's token bucket at exactly our rate refuse any of our sends?

Eight concurrent callers send through one pacer while the event loop is stalled now and then:
5-60 ms every 50-250 ms (a batch commit, a large JSON parse) and, one stall in 30, 2.5-4 intervals
(a DuckDB checkpoint, the process descheduled on a busy machine). Every send time is checked
against a token bucket at the same rate with a burst of 2, as the fake API applies it (the real
service's burst is unknown). Compared:

- ``SlotPacer``, the former pacer: slots fixed in advance, so whatever fell due during a stall
  went out at once afterwards;
- ``HostPacer(tolerance=0)``: sends strictly an interval apart, measured from the actual sends;
- ``HostPacer()`` as shipped: GCRA with half an interval of catch-up.

Scaled to 20 req/s (4x the real rate; stall lengths in intervals as at 5 req/s) for a short run.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from bench.common import machine, write_result
from ingest.api.pacing import HostPacer

RATE = 20.0
BURST = 2
CALLERS = 8
SECONDS = 10.0


@dataclass
class SlotPacer:
    """The pacer before: slots reserved in arrival order, ``next = slot + interval``."""

    rate_per_s: float
    _next_slot: float = 0.0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def wait_turn(self) -> None:
        async with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self.rate_per_s
        delay = slot - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    def sent(self) -> None:
        """The former pacer had no such hook."""


def refused(sends: list[float], rate: float, burst: int) -> int:
    tokens, last, refusals = float(burst), None, 0
    for at in sends:
        if last is not None:
            tokens = min(float(burst), tokens + (at - last) * rate)
        last = at
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            refusals += 1
    return refusals


async def _drive(pacer: HostPacer | SlotPacer, seed: int) -> list[float]:
    rng = random.Random(seed)
    sends: list[float] = []
    deadline = time.monotonic() + SECONDS

    async def caller() -> None:
        while time.monotonic() < deadline:
            await pacer.wait_turn()
            pacer.sent()
            sends.append(time.monotonic())
            await asyncio.sleep(0)

    interval = 1.0 / RATE

    async def staller() -> None:
        while time.monotonic() < deadline:
            await asyncio.sleep(rng.uniform(0.05, 0.25))
            long = rng.random() < 1 / 30
            # Blocks the loop, as a synchronous commit does (lengths in intervals as at 5 req/s).
            time.sleep(rng.uniform(2.5, 4.0) * interval if long else rng.uniform(0.025, 0.3) * interval)

    await asyncio.gather(staller(), *(caller() for _ in range(CALLERS)))
    return sorted(sends)


def measure(label: str, pacer: HostPacer | SlotPacer, seed: int = 1) -> dict[str, Any]:
    sends = asyncio.run(_drive(pacer, seed))
    span = sends[-1] - sends[0]
    gaps = [b - a for a, b in zip(sends, sends[1:], strict=False)]
    return {
        "pacer": label,
        "sends": len(sends),
        "achieved_rate": round((len(sends) - 1) / span, 2),
        "of_nominal": round((len(sends) - 1) / span / RATE, 3),
        "refused_by_bucket": refused(sends, RATE, BURST),
        "min_gap_ms": round(min(gaps) * 1000, 1),
        "gaps_under_90pct_interval": sum(1 for g in gaps if g < 0.9 / RATE),
    }


def run() -> dict[str, Any]:
    results = [
        measure("former (slots fixed in advance)", SlotPacer(RATE)),
        measure("strict spacing (tolerance 0)", HostPacer(RATE, tolerance=0.0)),
        measure("shipped (GCRA, tolerance 0.5)", HostPacer(RATE)),
    ]
    for r in results:
        print(r, file=sys.stderr)
    return {"machine": machine(), "rate": RATE, "burst": BURST, "callers": CALLERS, "seconds": SECONDS,
            "pacers": results}


def main() -> None:
    write_result("pacing_precision", run())


if __name__ == "__main__":
    main()
