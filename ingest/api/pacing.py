"""Per-host request pacing, applied *before* a request is sent.

Each host gets evenly spaced sends (no bursts): with 5 req/s, sends are at least 200 ms apart
whatever the number of concurrent callers. A 429 pushes the host's next slot back by the server's
``Retry-After`` so every caller on that host waits, not just the one that was refused.

The schedule is a GCRA (a token bucket in virtual time) fed with the moments requests actually go
out (``sent``). A caller that wakes late (the event loop was busy committing a batch, or the
process was descheduled) may let the next one catch up by at most ``tolerance`` intervals, never
more: with slots fixed in advance, everything due during a stall went out at once afterwards, and
after a stall of more than two intervals a server bucket at our rate with a burst of 2 answered
429 (which pauses the whole host). Half an interval of catch-up keeps most of the throughput a
stall would cost, and leaves half an interval for network jitter before the server's burst of 2
is reached (bench/pacing_precision.py).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class HostPacer:
    rate_per_s: float
    tolerance: float = 0.5  # intervals a late schedule may catch up by
    _due: float = 0.0  # when the next send is due at exactly the rate (GCRA's theoretical time)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def interval(self) -> float:
        return 1.0 / self.rate_per_s if self.rate_per_s > 0 else 0.0

    async def wait_turn(self) -> None:
        """Return when this caller may send; call ``sent()`` right before sending.

        Callers queue on the lock in arrival order; only the head sleeps, and it re-checks after
        waking because ``sent``/``back_off`` may have moved the schedule meanwhile.
        """
        async with self._lock:
            while (delay := self._due - self.tolerance * self.interval - time.monotonic()) > 0:
                await asyncio.sleep(delay)
            self._book(time.monotonic())  # holds the next caller back even if ``sent`` never comes

    def sent(self) -> None:
        """The request goes out now (a caller delayed after its turn pushes the schedule back)."""
        # Booked at wake-up as max(due, woke) + interval; this makes it max(due, sent) + interval.
        self._due = max(self._due, time.monotonic() + self.interval)

    def _book(self, now: float) -> None:
        self._due = max(self._due, now) + self.interval

    def back_off(self, seconds: float) -> None:
        """Nobody sends to this host for ``seconds`` (server asked us to slow down)."""
        self._due = max(self._due, time.monotonic() + seconds + self.tolerance * self.interval)


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
