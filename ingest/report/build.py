"""``halo report``: query every section for every chosen player, render the page, write it.

Checks come first (time zone, output path, warehouse), so bad input costs no query. The warehouse
is opened read-only and closed before rendering; the page is written to a temporary file beside
the target and renamed over it, so a failed or interrupted run never leaves half a report.
"""

from __future__ import annotations

import os
import tempfile
import time
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import UsageError
from ..store.warehouse import open_warehouse
from . import compare, context
from .compare import compare_data
from .context import Context, choose_players, resolve
from .page import Page, Panel, render_page
from .reader import Reader
from .runtime import vega_runtime
from .sections import SECTIONS, build_section, queries_of

DEFAULT_OUT = Path("warehouse/report.html")


@dataclass(frozen=True)
class ReportRequest:
    db_path: Path
    out: Path = DEFAULT_OUT
    players: tuple[str, ...] = ()  # gamertags or xuids of tracked players; none: all of them
    zone: str = "UTC"  # IANA time zone the page shows times in


@dataclass(frozen=True)
class ReportResult:
    path: Path
    players: int
    sections: int
    unavailable: int
    charts: int
    size_bytes: int
    seconds: float


def relations_read() -> set[str]:
    """Every relation (``main.x`` / ``reference.x``) the report reads: what its dbt exposure lists."""
    found: set[str] = set()
    for module in (*SECTIONS, context, compare):
        for query in queries_of(module):
            found |= query.relations
        found |= set(getattr(module, "EXTRA_RELATIONS", ()))
    return found


def parse_zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--tz {name!r} is not a time zone name (e.g. UTC, Europe/Paris, America/New_York)") from None


def check_output(path: Path) -> None:
    """Refuse, before any work, an output path that could never be written."""
    if path.is_dir():
        raise UsageError(f"--out {path} is a directory: give a file name, e.g. {path / 'report.html'}")
    ancestor = path.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise UsageError(f"cannot write the report to {path}: {ancestor} is not a directory")
    try:  # permission bits lie to root and on special filesystems: try it
        with tempfile.TemporaryFile(dir=ancestor):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write the report to {path}: {ancestor} is not writable ({exc.strerror})") from exc


def write_atomically(path: Path, text: str) -> int:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise UsageError(f"cannot write the report to {path}: {exc.strerror}") from exc
    try:
        data = text.encode("utf-8")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a report is meant to be shared
        os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"cannot write the report to {path}: {exc.strerror}") from exc
    finally:
        Path(tmp).unlink(missing_ok=True)
    return len(data)


def build_report(request: ReportRequest) -> ReportResult:
    started = time.perf_counter()
    zone = parse_zone(request.zone)
    check_output(request.out)
    con = open_warehouse(request.db_path, read_only=True)
    try:
        reader = Reader(con, zone, request.zone)
        players = resolve(reader, choose_players(reader, list(request.players)))
        panels = [
            Panel(f"p{player.xuid}", player.gamertag,
                  [build_section(module, Context(reader, player)) for module in SECTIONS])
            for player in players
        ]
        compare = compare_data(reader, players) if len(players) > 1 else None
    finally:
        con.close()
    page = Page(
        title=", ".join(p.name for p in panels),
        built_at=datetime.now(UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        warehouse=request.db_path.name, zone=request.zone, panels=panels, compare=compare,
    )
    html = render_page(page, vega_runtime())
    size = write_atomically(request.out, html)
    sections = [s for p in panels for s in p.sections]
    return ReportResult(
        path=request.out, players=len(panels), sections=len(sections),
        unavailable=sum(1 for s in sections if s.unavailable), charts=sum(len(s.charts) for s in sections),
        size_bytes=size, seconds=time.perf_counter() - started,
    )
