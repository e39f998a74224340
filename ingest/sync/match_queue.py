"""The queue of matches to fetch: newest start time first, so an interrupted run has landed the
matches a player cares about most."""

from __future__ import annotations

import asyncio
import heapq
import itertools

from ..store.landed import MatchNeeds


class NewestFirst:
    """An async queue of matches, newest start time first (ties by id: deterministic)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, str, int, MatchNeeds]] = []
        self._counter = itertools.count()
        self._available = asyncio.Condition()
        self._unfinished = 0
        self._all_done = asyncio.Event()
        self._all_done.set()

    async def put(self, needs: MatchNeeds) -> None:
        stamp = needs.start_time.timestamp() if needs.start_time else 0.0
        async with self._available:
            heapq.heappush(self._heap, (-stamp, needs.match_id, next(self._counter), needs))
            self._unfinished += 1
            self._all_done.clear()
            self._available.notify()

    async def get(self) -> MatchNeeds:
        async with self._available:
            while not self._heap:
                await self._available.wait()
            return heapq.heappop(self._heap)[-1]

    def task_done(self) -> None:
        self._unfinished -= 1
        if self._unfinished == 0:
            self._all_done.set()

    async def join(self) -> None:
        await self._all_done.wait()
