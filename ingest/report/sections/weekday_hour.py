"""Win rate by weekday × hour of day, in the report's time zone; thin cells masked."""

from __future__ import annotations

from .. import charts
from ..blocks import Block, Chart, Note
from ..context import Context
from ..reader import Query, Unavailable

KEY = "weekday-hour"
TITLE = "When you win"
MIN_MATCHES = 2  # a cell with fewer matches shows no rate

CELLS = Query("""
select
    isodow(m.start_time) as dow,
    ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][isodow(m.start_time)] as weekday,
    hour(m.start_time) as hour,
    count(*) as matches,
    count(*) filter (where p.outcome = 2) as wins,
    case when count(*) >= $min_matches then count(*) filter (where p.outcome = 2) / count(*) end as win_rate
from main.fct_match_players as p
inner join main.dim_matches as m on p.match_id = m.match_id
where p.xuid = $player
group by all
order by dow, hour
""")


def present(cells: list[dict], zone: str) -> list[Block]:
    return [Chart(charts.weekday_hour(), cells, f"win rate by weekday and hour ({zone})"),
            Note(f"Grey cells: fewer than {MIN_MATCHES} matches, too few for a rate. Every match counts "
                 "(ties and matches left early are not wins).")]


def build(ctx: Context) -> list[Block]:
    cells = ctx.reader.rows(CELLS, player=ctx.player.xuid, min_matches=MIN_MATCHES)
    if not cells:
        raise Unavailable("no match of this player is in the marts yet")
    return present(cells, ctx.reader.zone_name)
