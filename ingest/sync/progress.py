"""Progress on long work: a live bar on a terminal, a few plain lines otherwise."""

from __future__ import annotations

from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Reporter(Protocol):
    def listed(self, new_matches: int) -> None: ...
    def scheduled(self, matches: int) -> None: ...
    def match_done(self) -> None: ...
    def close(self) -> None: ...


class QuietReporter:
    """Not a terminal (CI, cron, a pipe): no bar, the summary at the end says it all."""

    def listed(self, new_matches: int) -> None:
        return None

    def scheduled(self, matches: int) -> None:
        return None

    def match_done(self) -> None:
        return None

    def close(self) -> None:
        return None


class BarReporter:
    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._listed = 0
        self._task = self._progress.add_task("matches", total=0, detail="listing history…")
        self._progress.start()

    def listed(self, new_matches: int) -> None:
        self._listed += new_matches
        self._progress.update(self._task, detail=f"{self._listed} newly listed")

    def scheduled(self, matches: int) -> None:
        task = self._progress.tasks[0]
        self._progress.update(self._task, total=(task.total or 0) + matches)

    def match_done(self) -> None:
        self._progress.advance(self._task)

    def close(self) -> None:
        self._progress.stop()


def make_reporter(console: Console, *, enabled: bool | None = None) -> Reporter:
    """A bar when ``enabled`` (default: when the console is an interactive terminal)."""
    show = console.is_terminal and not console.is_dumb_terminal if enabled is None else enabled
    return BarReporter(console) if show else QuietReporter()
