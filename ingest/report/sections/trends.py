"""K/D and accuracy over time, per day, week or month depending on how long the history is."""

from __future__ import annotations

from .. import charts
from ..blocks import Block, Chart
from ..context import Context
from ..reader import Query, Unavailable

KEY = "trends"
TITLE = "K/D and accuracy trends"

SPAN = Query("""
select count(*) as matches, date_diff('day', min(m.start_time), max(m.start_time)) as days
from main.fct_match_players as p
inner join main.dim_matches as m on p.match_id = m.match_id
where p.xuid = $player
""")

BUCKETS = Query("""
select
    date_trunc($unit, m.start_time) as bucket,
    count(*) as matches,
    coalesce(sum(p.kills) / nullif(sum(p.deaths), 0), sum(p.kills)) as kd_ratio,
    100.0 * sum(p.shots_hit) / nullif(sum(p.shots_fired), 0) as accuracy
from main.fct_match_players as p
inner join main.dim_matches as m on p.match_id = m.match_id
where p.xuid = $player
group by bucket
order by bucket
""")


def unit_for(days: int) -> str:
    """About 10 to 100 points: days for two months, weeks for two years, months beyond."""
    if days <= 60:
        return "day"
    return "week" if days <= 730 else "month"


def present(rows: list[dict], unit: str) -> list[Block]:
    return [
        Chart(charts.trend("kd_ratio", "K/D", ".2f"), rows, f"K/D per {unit}"),
        Chart(charts.trend("accuracy", "accuracy %", ".1f"), [r for r in rows if r["accuracy"] is not None],
              f"accuracy per {unit}"),
    ]


def build(ctx: Context) -> list[Block]:
    span = ctx.reader.one(SPAN, player=ctx.player.xuid)
    if not span["matches"]:
        raise Unavailable("no match of this player is in the marts yet")
    unit = unit_for(span["days"])
    return present(ctx.reader.rows(BUCKETS, player=ctx.player.xuid, unit=unit), unit)
