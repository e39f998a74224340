"""Best and worst maps and modes, ranked by the Wilson lower bound of the win rate.

Reads the ranking mart of the competitive history work. The work fixes what it holds (matches,
wins, win rate and its Wilson 95% lower bound, K/D; best and worst among maps and modes with enough
matches) but not the names: ``fct_player_map_mode_rankings`` with ``dimension`` (map | mode),
``name``, ``rank_kind`` (best | worst), ``win_rate_wilson_lower``, ``kd_ratio`` are guesses, all in
``RANKINGS`` (aliased to what the rest of this module uses).
"""

from __future__ import annotations

from .. import charts
from ..blocks import Block, Chart, Column, Fmt, Table
from ..context import Context
from ..reader import Query, Unavailable

KEY = "maps-modes"
TITLE = "Best and worst maps and modes"

RANKINGS = Query("""
select
    r.dimension,
    r.name as label,
    r.rank_kind,
    r.matches,
    r.wins,
    r.win_rate,
    r.win_rate_wilson_lower as wilson_lower,
    r.kd_ratio
from main.fct_player_map_mode_rankings as r
where r.player_xuid = $player
order by r.dimension, r.rank_kind, r.win_rate_wilson_lower desc
""")

COLUMNS = (
    Column("rank_kind", "rank"), Column("label", "name"), Column("matches", "matches", Fmt.INT),
    Column("wins", "wins", Fmt.INT), Column("win_rate", "win rate", Fmt.PCT),
    Column("wilson_lower", "Wilson 95% lower bound", Fmt.PCT), Column("kd_ratio", "K/D", Fmt.DEC2),
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
    rows = ctx.reader.rows(RANKINGS, player=ctx.player.xuid)
    if not rows:
        raise Unavailable("no map or mode with enough matches to rank yet")
    return present(rows)
