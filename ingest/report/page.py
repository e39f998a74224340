"""Blocks to one self-contained HTML page: styles, the Vega runtime, the data and our script inline.

Every text from the warehouse (gamertags, map and mode names are user-made) is HTML-escaped by
Jinja; the JSON in the page escapes ``<`` so no value can close its ``<script>`` element.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from .blocks import Block, Chart, Column, Fmt, Note, Section, Table, Tile, Tiles

ASSETS = resources.files(__package__) / "assets"
NUMERIC = {Fmt.INT, Fmt.DEC1, Fmt.DEC2, Fmt.SIGNED1, Fmt.PCT, Fmt.PCT_VALUE, Fmt.DURATION}


@dataclass
class Panel:
    key: str  # the HTML id of the player's panel
    name: str
    sections: list[Section]


@dataclass
class Page:
    title: str
    built_at: str
    warehouse: str
    zone: str
    panels: list[Panel]
    compare: dict[str, Any] | None = None
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)


def format_value(value: Any, fmt: Fmt) -> str:
    """A value as the page writes it (``—`` for none)."""
    if value is None:
        return "—"
    if fmt is Fmt.INT:
        return f"{round(value):,}"
    if fmt is Fmt.DEC1:
        return f"{value:,.1f}"
    if fmt is Fmt.DEC2:
        return f"{value:,.2f}"
    if fmt is Fmt.SIGNED1:
        return f"{value:+.1f}".replace("-", "−")
    if fmt is Fmt.PCT:
        return f"{100 * value:.1f}%"
    if fmt in (Fmt.PCT_VALUE, Fmt.PROGRESS):
        return f"{value:.1f}%"
    if fmt is Fmt.DURATION:
        minutes = round(value / 60)
        return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"
    if fmt is Fmt.TIME:
        return str(value).replace("T", " ")[:16]
    return str(value)


def script_json(value: Any) -> str:
    """JSON safe inside ``<script>``: ``<`` escaped, so ``</script>`` cannot appear in it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")


class Renderer:
    """Renders blocks; collects each chart's rows and (shared, deduplicated) spec for the page's JSON."""

    def __init__(self) -> None:
        self.specs: dict[str, dict[str, Any]] = {}
        self._spec_keys: dict[int, str] = {}
        self.charts: dict[str, dict[str, Any]] = {}

    def __call__(self, block: Block) -> Markup:
        if isinstance(block, Tiles):
            return self.tiles(block)
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, Chart):
            return self.chart(block)
        if isinstance(block, Note):
            return Markup('<p class="note">{}</p>').format(block.text)
        raise TypeError(f"unknown block {type(block).__name__}")

    def tiles(self, block: Tiles) -> Markup:
        return Markup('<div class="tiles">{}</div>').format(Markup("").join(self.tile(t) for t in block.tiles))

    @staticmethod
    def tile(tile: Tile) -> Markup:
        note = Markup('<div class="note">{}</div>').format(tile.note) if tile.note else Markup("")
        return Markup('<div class="tile"><div class="label">{}</div><div class="value">{}</div>{}</div>').format(
            tile.label, format_value(tile.value, tile.fmt), note)

    def table(self, block: Table) -> Markup:
        head = Markup("").join(self.header(c) for c in block.columns)
        body = Markup("").join(
            Markup("<tr>{}</tr>").format(Markup("").join(self.cell(c, row.get(c.key)) for c in block.columns))
            for row in block.rows
        )
        caption = Markup("<caption>{}</caption>").format(block.caption) if block.caption else Markup("")
        return Markup("<table>{}<thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(caption, head, body)

    @staticmethod
    def header(column: Column) -> Markup:
        return Markup('<th class="num">{}</th>' if column.fmt in NUMERIC else "<th>{}</th>").format(column.title)

    @staticmethod
    def cell(column: Column, value: Any) -> Markup:
        if column.fmt is Fmt.PROGRESS:
            width = 0.0 if value is None else max(0.0, min(100.0, float(value)))
            return Markup('<td><span class="bar"><span style="width:{:.1f}%"></span></span>{}</td>').format(
                width, format_value(value, column.fmt))
        css = ' class="num"' if column.fmt in NUMERIC else ""
        return Markup("<td{}>{}</td>").format(Markup(css), format_value(value, column.fmt))

    def chart(self, block: Chart) -> Markup:
        spec_key = self._spec_keys.get(id(block.spec))
        if spec_key is None:
            spec_key = self._spec_keys[id(block.spec)] = f"s{len(self.specs)}"
            self.specs[spec_key] = block.spec
        chart_key = f"c{len(self.charts)}"
        self.charts[chart_key] = {"spec": spec_key, "values": block.values}
        caption = Markup("<figcaption>{}</figcaption>").format(block.title) if block.title else Markup("")
        return Markup('<figure class="chart-figure"><div class="chart" data-chart="{}"></div>{}</figure>').format(
            chart_key, caption)


def render_page(page: Page, vega_js: str) -> str:
    env = Environment(autoescape=True, keep_trailing_newline=True)
    template = env.from_string((ASSETS / "page.html.j2").read_text(encoding="utf-8"))
    renderer = Renderer()
    # Blocks first: rendering them registers every chart, which the page's JSON then carries.
    html = {id(block): renderer(block) for panel in page.panels for section in panel.sections
            for block in section.blocks}
    data = {"specs": renderer.specs, "charts": renderer.charts, "compare": page.compare}
    return template.render(
        title=page.title, built_at=page.built_at, warehouse=page.warehouse,
        zone=page.zone, panels=page.panels, compare=page.compare, render=lambda block: html[id(block)],
        css=Markup((ASSETS / "report.css").read_text(encoding="utf-8")),
        data_json=Markup(script_json(data)),
        vega_js=Markup(vega_js.replace("</script", "<\\/script")),
        report_js=Markup((ASSETS / "report.js").read_text(encoding="utf-8")),
    )
