"""The player's most frequent medals over the whole history."""

from __future__ import annotations

from .. import charts
from ..blocks import Block, Chart
from ..context import Context
from ..reader import Query, Unavailable

KEY = "medals"
TITLE = "Top medals"
TOP = 15

MEDALS = Query("""
select coalesce(medal_name, 'medal ' || medal_name_id) as medal, sum(medal_count) as earned
from main.fct_medals
where xuid = $player
group by all
order by earned desc, medal
limit $top
""")


def build(ctx: Context) -> list[Block]:
    rows = ctx.reader.rows(MEDALS, player=ctx.player.xuid, top=TOP)
    if not rows:
        raise Unavailable("no medal of this player in the marts yet")
    return [Chart(charts.bars("medal", "earned", "medals earned"), rows, f"the {len(rows)} most frequent medals")]
