"""Completeness: the numbers `halo status` prints, from the same code."""

from __future__ import annotations

import duckdb

from ...store.completeness import DATA_TYPES, status_rows
from ..blocks import Block, Column, Fmt, Note, Table
from ..context import Context
from ..reader import Unavailable

KEY = "completeness"
TITLE = "Completeness"
# status_rows reads this view (or, before the first build, the landing tables only).
EXTRA_RELATIONS = ("main.fct_match_completeness",)

COLUMNS = (
    Column("data", "data"), Column("listed", "listed", Fmt.INT), Column("complete", "complete", Fmt.INT),
    Column("to_fetch", "to fetch", Fmt.INT), Column("needs_build", "needs build", Fmt.INT),
    Column("explained", "explained", Fmt.INT), Column("not_applicable", "n/a", Fmt.INT),
    Column("reasons", "why"),
)


def build(ctx: Context) -> list[Block]:
    try:
        # Every tracked player's rows at once (the view is not cheap), then this player's.
        every = ctx.reader.memo("status_rows", lambda: status_rows(ctx.reader.con))
    except duckdb.CatalogException as exc:  # not even the landing tables of this version
        raise Unavailable(f"the warehouse lacks what `halo status` reads ({str(exc).splitlines()[0]})") from exc
    rows = [r for r in every if r.player_xuid == ctx.player.xuid]
    if not rows:
        raise Unavailable("no listed match yet")
    table = [
        {"data": DATA_TYPES.get(r.data_type, r.data_type), "listed": r.listed, "complete": r.complete,
         "to_fetch": r.to_fetch, "needs_build": r.needs_build, "explained": r.explained,
         "not_applicable": r.not_applicable, "reasons": r.reasons or ""}
        for r in rows
    ]
    blocks: list[Block] = [Table(COLUMNS, table, "the same figures as `halo status`")]
    if any(r.needs_build for r in rows):
        blocks.append(Note("Some landed data is not in the marts yet: run `halo build`."))
    return blocks
