"""Opening a report in headless Chromium (Debian's, driven by Playwright) with the network off.

``open_report(path)`` loads the file from disk in an offline browser context and returns what a
person would have seen: console errors, failed requests, per chart how many marks its SVG holds,
each panel's visible text, and a PNG screenshot of the window on opening. Every request that is not the file itself
is counted as failed (the context is offline, so it could not succeed anyway).

``python -m tests.support.browser REPORT.html OUT_DIR`` writes the README's screenshots of a report.
"""

from __future__ import annotations

import os
import struct
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.debian_tools import ensure_debian_tool
except ModuleNotFoundError:
    from tests.support.debian_tools import ensure_debian_tool

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps",
]


def chromium_path() -> tuple[str | None, str]:
    """(Debian's chromium, "") -- installed with apt-get when missing, as on CI -- or (None, why not).
    ``HALO_CHROMIUM`` names another Chromium binary."""
    explicit = os.environ.get("HALO_CHROMIUM")
    if explicit:
        return explicit, ""
    return ensure_debian_tool("chromium", "chromium")


@dataclass
class PanelView:
    key: str
    charts: dict[str, int]  # chart id -> data marks drawn in its SVG


@dataclass
class ReportView:
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    other_requests: list[str] = field(default_factory=list)
    panels: list[PanelView] = field(default_factory=list)
    text: dict[str, str] = field(default_factory=dict)  # panel key -> its visible text
    screenshot: bytes = b""  # the first panel as the window shows it on opening


# Data marks only: a chart whose axes are drawn but whose data marks are not is not rendered.
COUNT_MARKS = """
(el) => el.querySelectorAll('svg g.role-mark > path, svg g.role-mark > rect, svg g.role-mark > line,'
                             + ' svg g.role-mark > text, svg g.role-mark > g').length
"""


@contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable, why_not = chromium_path()
    if executable is None:  # a failure, not a skip: the report must be seen in a real browser
        raise RuntimeError(f"no Chromium for the report's browser test: {why_not}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_report(chromium: object, path: Path, *, width: int = 1200, timeout_ms: int = 60_000) -> ReportView:
    view = ReportView()
    context = chromium.new_context(offline=True, viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.on("console", lambda msg: view.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: view.console_errors.append(f"uncaught: {exc}"))
        page.on("requestfailed", lambda req: view.failed_requests.append(req.url))
        url = path.resolve().as_uri()
        page.on("request", lambda req: view.other_requests.append(req.url) if req.url != url else None)
        page.goto(url, wait_until="load")
        page.wait_for_function("document.body.dataset.charts === 'done'", timeout=timeout_ms)
        view.screenshot = page.screenshot()
        keys = page.eval_on_selector_all("main > section.panel", "(els) => els.map((e) => e.dataset.panel)")
        switch = page.query_selector("#player-switch")
        for key in keys:
            if switch is not None:
                page.select_option("#player-switch", key)
            panel = page.locator(f"main > section.panel[data-panel='{key}']")
            charts = {
                el.get_attribute("data-chart"): el.evaluate(COUNT_MARKS)
                for el in panel.locator("[data-chart]").element_handles()
            }
            view.text[key] = panel.inner_text()
            view.panels.append(PanelView(key, charts))
    finally:
        context.close()
    return view


def png_pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB(A) bytes) of an 8-bit, non-interlaced PNG (Chromium's screenshots)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and interlace == 0 and colour in (2, 6), (depth, colour, interlace)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if filter_type == 1:
                line[i] = (line[i] + left) & 0xFF
            elif filter_type == 2:
                line[i] = (line[i] + up) & 0xFF
            elif filter_type == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif filter_type == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def colour_share(png: bytes) -> tuple[int, float]:
    """(distinct colours, share of pixels that differ from the most common colour) of a screenshot,
    sampled every 4th pixel of every 4th row."""
    width, _, rows = png_pixels(png)
    bpp = len(rows[0]) // width
    counts: dict[bytes, int] = {}
    for row in rows[::4]:
        for x in range(0, width, 4):
            pixel = row[x * bpp:x * bpp + 3]
            counts[pixel] = counts.get(pixel, 0) + 1
    total = sum(counts.values())
    return len(counts), 1 - max(counts.values()) / total


def write_screenshots(report: Path, out_dir: Path) -> list[Path]:
    """The README's pictures: the first player's panel, cut into views of its main sections."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    shots = {"report-overview.png": "overview", "report-performance.png": "performance",
             "report-weekday-hour.png": "weekday-hour", "report-nemesis.png": "nemesis"}
    with browser() as chromium:
        context = chromium.new_context(offline=True, viewport={"width": 1100, "height": 820})  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(report.resolve().as_uri(), wait_until="load")
        page.wait_for_function("document.body.dataset.charts === 'done'", timeout=60_000)
        for name, section in shots.items():
            target = page.locator(f"main > section.panel:not([hidden]) section[data-section='{section}']")
            target.scroll_into_view_if_needed()
            path = out_dir / name
            target.screenshot(path=str(path))
            written.append(path)
        context.close()
    return written


if __name__ == "__main__":
    for written_path in write_screenshots(Path(sys.argv[1]), Path(sys.argv[2])):
        print(written_path)
