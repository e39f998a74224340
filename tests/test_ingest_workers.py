"""The ingest run's workers: the match queue is newest first, and a stopped run's workers always end."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from ingest.store.landed import MatchNeeds
from ingest.sync.ingest_run import _cancel_until_done
from ingest.sync.match_queue import NewestFirst

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def needs(match_id: str, minutes: int | None) -> MatchNeeds:
    start = BASE + timedelta(minutes=minutes) if minutes is not None else None
    return MatchNeeds(match_id, start, None, {"match_stats"})


def test_newest_first_ties_by_id_and_undated_last() -> None:
    async def scenario() -> list[str]:
        queue = NewestFirst()
        for item in [needs("b", 5), needs("undated", None), needs("a", 5), needs("c", 9), needs("d", 1)]:
            await queue.put(item)
        order = []
        for _ in range(5):
            order.append((await queue.get()).match_id)
            queue.task_done()
        await asyncio.wait_for(queue.join(), 5)
        return order

    assert asyncio.run(scenario()) == ["c", "a", "b", "d", "undated"]


def test_workers_cancelled_right_after_a_put_all_end() -> None:
    # A run stopped by an error cancels every worker, some of them just woken by a put: each must
    # end. (The refused-renewal ingest in test_auth_ingest is where a Condition-based queue once
    # left a cancelled worker waiting for its lock, and the run never ended.)
    async def scenario(round_: int) -> None:
        queue = NewestFirst()
        workers = [asyncio.create_task(queue.get()) for _ in range(16)]
        await asyncio.sleep(0)  # every worker is waiting
        for i in range(round_ % 4):
            await queue.put(needs(f"m{i}", i))
        for worker in workers:
            worker.cancel()
        await asyncio.wait_for(asyncio.gather(*workers, return_exceptions=True), 5)

    for round_ in range(40):
        asyncio.run(scenario(round_))


def test_a_worker_that_absorbed_its_cancellation_is_cancelled_again() -> None:
    async def absorbs_once(waiting_on: asyncio.Future[None]) -> None:
        # What a cancellation lost inside a library looks like from outside:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(3600)
        await waiting_on  # ...then waiting for work that never comes

    async def scenario() -> tuple[bool, bool]:
        never: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        stubborn = asyncio.create_task(absorbs_once(never))
        plain = asyncio.create_task(asyncio.sleep(3600))
        await asyncio.sleep(0)
        await asyncio.wait_for(_cancel_until_done([stubborn, plain]), 10)
        return stubborn.cancelled(), plain.cancelled()

    assert asyncio.run(scenario()) == (True, True)
