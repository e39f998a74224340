"""Who kills whom: the player, their friends and their most frequent opponents, from the films."""

from __future__ import annotations

from .. import charts
from ..blocks import Block, Chart, Note
from ..context import Context
from ..reader import Query, Unavailable

KEY = "kill-matrix"
TITLE = "Killer → victim"
OPPONENTS = 6

# The group: the player and their friends, plus the opponents who exchanged the most kills with
# the group, in the player's matches; cells count kills from the row's player on the column's.
MATRIX = Query("""
with pairs as (
    select killer_xuid, victim_xuid
    from main.fct_killer_victim_pairs
    where
        not is_suicide
        and match_id in (select p.match_id from main.fct_match_players as p where p.xuid = $player)
),

crew as (select unnest($crew::varchar[]) as xuid),

opponents as (
    select other as xuid
    from (
        select victim_xuid as other from pairs where killer_xuid in (select c.xuid from crew as c)
        union all
        select killer_xuid as other from pairs where victim_xuid in (select c.xuid from crew as c)
    )
    where other not in (select c.xuid from crew as c)
    group by other
    order by count(*) desc, other
    limit $opponents
),

members as (
    select xuid, 0 as side from crew
    union all
    select xuid, 1 as side from opponents
)

select
    coalesce(kd.gamertag, k.xuid) as killer,
    coalesce(vd.gamertag, v.xuid) as victim,
    count(pairs.killer_xuid) as kills,
    k.side as killer_side,
    v.side as victim_side
from members as k
cross join members as v
left join pairs on k.xuid = pairs.killer_xuid and v.xuid = pairs.victim_xuid
left join main.dim_players as kd on k.xuid = kd.xuid
left join main.dim_players as vd on v.xuid = vd.xuid
where k.xuid != v.xuid
group by all
order by killer_side, killer, victim_side, victim
""")


def build(ctx: Context) -> list[Block]:
    crew = [ctx.player.xuid, *ctx.player.friends]
    cells = ctx.reader.rows(MATRIX, player=ctx.player.xuid, crew=crew, opponents=OPPONENTS)
    if not any(c["kills"] for c in cells):
        raise Unavailable("no decoded film of this player's matches yet")
    return [
        Chart(charts.matrix("killer", "victim", "kills", "killer", "victim"), cells,
              "kills by the row's player on the column's, in this player's matches"),
        Note(f"Rows and columns: {ctx.player.gamertag}, their friends, then the {OPPONENTS} opponents who "
             "exchanged the most kills with them. Suicides are left out; betrayals count."),
    ]
