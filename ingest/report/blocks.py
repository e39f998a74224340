"""What a section shows, independent of HTML: tiles, tables, charts and notes.

Sections build these from query results; ``page`` renders them. A :class:`Chart` holds a Vega-Lite
spec shared by every player (built once, see ``charts``) and the rows it plots for this player.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Fmt(StrEnum):
    """How a table cell or tile value is written."""

    TEXT = "text"
    INT = "int"
    DEC1 = "dec1"  # one decimal
    DEC2 = "dec2"  # two decimals
    SIGNED1 = "signed1"  # +1.5 / −0.3
    PCT = "pct"  # a fraction shown as a percentage (0.53 -> 53%)
    PCT_VALUE = "pct_value"  # already a percentage (53.1 -> 53.1%)
    DURATION = "duration"  # seconds -> 1h 22m
    TIME = "time"  # wall-clock "YYYY-MM-DDTHH:MM:SS" -> "YYYY-MM-DD HH:MM"
    PROGRESS = "progress"  # a percentage drawn as a bar


@dataclass(frozen=True)
class Tile:
    label: str
    value: Any
    fmt: Fmt = Fmt.TEXT
    note: str = ""


@dataclass(frozen=True)
class Tiles:
    tiles: tuple[Tile, ...]


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    fmt: Fmt = Fmt.TEXT


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    caption: str = ""


@dataclass(frozen=True)
class Chart:
    spec: dict[str, Any]  # Vega-Lite, without its top-level data (shared: never mutate)
    values: list[dict[str, Any]]
    title: str = ""


@dataclass(frozen=True)
class Note:
    text: str


Block = Tiles | Table | Chart | Note


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    unavailable: str | None = None  # why the section cannot be shown

    @property
    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]
