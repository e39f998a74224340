"""One module per section of a player's page, in page order.

Each module has ``KEY`` (its anchor), ``TITLE``, its queries (:class:`~ingest.report.reader.Query`
constants: the SQL, aggregated in DuckDB) and ``build(ctx) -> list[Block]`` (query, then present).
A section raises :class:`~ingest.report.reader.Unavailable` when its mart or its data is missing;
:func:`build_section` turns that into a "not available yet" section. A section that reads marts
outside its queries (completeness: `halo status`'s code) lists them in ``EXTRA_RELATIONS``
(``ingest.report.build.relations_read`` collects them all).
"""

from __future__ import annotations

from types import ModuleType

from ..blocks import Section
from ..context import Context
from ..reader import Query, Unavailable
from . import (
    antagonists,
    citations,
    completeness,
    csr,
    expectation,
    friends_impact,
    kill_matrix,
    maps_modes,
    medals,
    overview,
    performance,
    sessions,
    streaks,
    teammates,
    trends,
    weekday_hour,
)

SECTIONS: tuple[ModuleType, ...] = (
    overview, performance, trends, expectation, csr, weekday_hour, maps_modes, sessions, streaks,
    citations, friends_impact, antagonists, kill_matrix, teammates, medals, completeness,
)


def build_section(module: ModuleType, ctx: Context) -> Section:
    try:
        blocks = module.build(ctx)
    except Unavailable as exc:
        return Section(module.KEY, module.TITLE, unavailable=str(exc))
    return Section(module.KEY, module.TITLE, blocks)


def queries_of(module: ModuleType) -> list[Query]:
    return [value for value in vars(module).values() if isinstance(value, Query)]
