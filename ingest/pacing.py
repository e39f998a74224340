"""Per-host request pacing, applied *before* a request is sent.

Each host gets evenly spaced send slots (no bursts): with 5 req/s, sends are at least 200 ms apart
whatever the number of concurrent callers. A 429 pushes the host's next slot back by the server's
``Retry-After`` so every caller on that host waits, not just the one that was refused.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class HostPacer:
    rate_per_s: float
    _next_slot: float = 0.0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def interval(self) -> float:
        return 1.0 / self.rate_per_s if self.rate_per_s > 0 else 0.0

    async def wait_turn(self) -> None:
        # The lock keeps reservations in arrival order; the sleep happens outside it so a slow
        # sleeper never blocks the bookkeeping of the others.
        async with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
        delay = slot - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    def back_off(self, seconds: float) -> None:
        """Nobody sends to this host for ``seconds`` (server asked us to slow down)."""
        self._next_slot = max(self._next_slot, time.monotonic() + seconds)


@dataclass
class Pacing:
    """Pacers for every host, created on first use with the host's configured rate."""

    default_rate: float = 5.0
    host_rates: dict[str, float] = field(default_factory=dict)
    _pacers: dict[str, HostPacer] = field(default_factory=dict)

    def for_host(self, host: str) -> HostPacer:
        pacer = self._pacers.get(host)
        if pacer is None:
            pacer = HostPacer(self.host_rates.get(host, self.default_rate))
            self._pacers[host] = pacer
        return pacer
