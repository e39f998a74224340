"""Citations: progress towards each one's next level, and what the last session added.

Reads ``fct_player_citations`` [tracked player × citation] and the seed ``citation_definitions``
(display name and kind), with the columns the citations work names.
"""

from __future__ import annotations

from ..blocks import Block, Column, Fmt, Table, Tile, Tiles
from ..context import Context
from ..reader import Query, Unavailable

KEY = "citations"
TITLE = "Citations"

CITATIONS = Query("""
select
    coalesce(d.display_name, c.citation_id) as citation,
    d.kind,
    c.total,
    c.level,
    c.next_target,
    c.progress_pct,
    c.last_session_gain
from main.fct_player_citations as c
left join reference.citation_definitions as d on c.citation_id = d.citation_id
where c.player_xuid = $player
order by c.last_session_gain desc nulls last, c.progress_pct desc nulls last, citation
""")

COLUMNS = (
    Column("citation", "citation"), Column("kind", "kind"), Column("total", "total", Fmt.INT),
    Column("level", "level", Fmt.INT), Column("next", "next target"),
    Column("progress_pct", "progress", Fmt.PROGRESS), Column("gain", "last session"),
)


def present(rows: list[dict]) -> list[Block]:
    gained = [r for r in rows if r["last_session_gain"]]
    table = [{**r, "next": f"{r['next_target']:,}" if r["next_target"] is not None else "top level",
              "progress_pct": 100.0 if r["next_target"] is None else r["progress_pct"],
              "gain": f"+{r['last_session_gain']:,}" if r["last_session_gain"] else ""} for r in rows]
    tiles = (
        Tile("citations started", sum(1 for r in rows if r["total"]), Fmt.INT, f"of {len(rows)}"),
        Tile("levels reached", sum(r["level"] or 0 for r in rows), Fmt.INT),
        Tile("last session", f"+{sum(r['last_session_gain'] for r in gained):,}",
             note=f"across {len(gained)} citations" if gained else "nothing new"),
    )
    return [Tiles(tiles), Table(COLUMNS, table, "the last session's gains first, then the closest to a level")]


def build(ctx: Context) -> list[Block]:
    rows = ctx.reader.rows(CITATIONS, player=ctx.player.xuid)
    if not rows:
        raise Unavailable("no citation evaluated for this player yet")
    return present(rows)
