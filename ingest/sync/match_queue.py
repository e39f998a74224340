"""The queue of matches to fetch: newest start time first, so an interrupted run has landed the
matches a player cares about most."""

from __future__ import annotations

import asyncio
import itertools

from ..store.landed import MatchNeeds


class NewestFirst:
    """An async queue of matches, newest start time first (ties by id: deterministic): a thin
    layer over ``asyncio.PriorityQueue``."""

    def __init__(self) -> None:
        self._queue: asyncio.PriorityQueue[tuple[float, str, int, MatchNeeds]] = asyncio.PriorityQueue()
        self._counter = itertools.count()  # MatchNeeds are never compared

    async def put(self, needs: MatchNeeds) -> None:
        stamp = needs.start_time.timestamp() if needs.start_time else 0.0
        await self._queue.put((-stamp, needs.match_id, next(self._counter), needs))

    async def get(self) -> MatchNeeds:
        return (await self._queue.get())[-1]

    def task_done(self) -> None:
        self._queue.task_done()

    async def join(self) -> None:
        await self._queue.join()
