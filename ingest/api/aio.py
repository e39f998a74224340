"""Running the async ingester from the synchronous CLI, and running work side by side."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run with SIGTERM treated like Ctrl+C (the main task is cancelled, work is flushed)."""

    async def main() -> T:
        task = asyncio.current_task()
        if task is not None and sys.platform != "win32":
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        return await coro

    return asyncio.run(main())


async def all_or_none(work: list[Coroutine[object, object, None]]) -> None:
    """Run ``work`` side by side; when one fails, the others are cancelled (and awaited) before
    the error is raised, so nothing of a stopped run keeps sending requests or writing."""
    tasks = [asyncio.ensure_future(w) for w in work]
    if not tasks:
        return
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:  # an error, or the worker itself cancelled (the run is stopping)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in tasks:  # all done now: the first that failed, if any, says why
        error = None if task.cancelled() else task.exception()
        if error is not None:
            raise error
