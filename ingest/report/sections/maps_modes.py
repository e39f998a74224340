"""Best and worst maps and modes: win rate with its Wilson 95% interval and the sample size.

Reads the competitive history's ranking mart ``fct_player_map_mode_rankings`` [tracked player ×
scope × map × mode], which ranks the maps and modes with enough matches: best by the interval's
lower bound, worst by its upper bound (so one lucky win or loss tops neither). The issue fixes
what it holds, not its column names; the names used (``scope``, ``display_name``,
``win_rate_wilson_lower`` / ``_upper``, ``best_rank`` / ``worst_rank``) are the competitive work's
and appear only in ``RANKINGS``.
"""

from __future__ import annotations

from .. import charts
from ..blocks import Block, Chart, Column, Fmt, Table
from ..context import Context
from ..reader import Query, Unavailable

KEY = "maps-modes"
TITLE = "Best and worst maps and modes"
TOP = 3  # best and worst of each

RANKINGS = Query("""
select
    r.scope as dimension,
    r.display_name as label,
    -- Each row once: on the side of the ranking it is nearer the top of.
    case when r.best_rank <= r.worst_rank then 'best' else 'worst' end as rank_kind,
    r.matches,
    r.wins,
    r.win_rate,
    r.win_rate_wilson_lower as wilson_lower,
    r.win_rate_wilson_upper as wilson_upper
from main.fct_player_map_mode_rankings as r
where r.player_xuid = $player and r.scope in ('map', 'mode') and least(r.best_rank, r.worst_rank) <= $top
order by dimension, rank_kind, case when rank_kind = 'best' then r.best_rank else -r.worst_rank end, label
""")

COLUMNS = (
    Column("rank_kind", "rank"), Column("label", "name"), Column("matches", "matches", Fmt.INT),
    Column("wins", "wins", Fmt.INT), Column("win_rate", "win rate", Fmt.PCT),
    Column("wilson_lower", "Wilson 95% from", Fmt.PCT), Column("wilson_upper", "to", Fmt.PCT),
)


def present(rows: list[dict]) -> list[Block]:
    blocks: list[Block] = []
    for dimension in ("map", "mode"):
        chosen = [r for r in rows if r["dimension"] == dimension]
        if chosen:
            blocks.append(Chart(charts.win_rate_intervals(), chosen, f"best and worst {dimension}s"))
            blocks.append(Table(COLUMNS, chosen))
    return blocks


def build(ctx: Context) -> list[Block]:
    rows = ctx.reader.rows(RANKINGS, player=ctx.player.xuid, top=TOP)
    if not rows:
        raise Unavailable("no map or mode with enough matches to rank yet")
    return present(rows)
