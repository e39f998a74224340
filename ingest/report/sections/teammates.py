"""Teammates and opponents over the whole history, with the player's win rate with and without them.

Reads ``fct_player_teammates`` [tracked player × other human] with the columns the competitive
history work names (``matches_together``, ``wins_together``, ``matches_against``, ``wins_against``);
names come from ``dim_players``, the rates are worked out here from those counts.
"""

from __future__ import annotations

from ..blocks import Block, Column, Fmt, Table
from ..context import Context
from ..reader import Query, Unavailable

KEY = "teammates"
TITLE = "Teammates and opponents"
TOP = 10

PEOPLE = Query("""
with mine as (
    select count(*) as matches, count(*) filter (where outcome = 2) as wins
    from main.fct_match_players
    where xuid = $player
),

people as (
    select
        coalesce(d.gamertag, t.xuid) as person,
        t.matches_together,
        t.wins_together,
        t.matches_against,
        t.wins_against,
        t.wins_together / nullif(t.matches_together, 0) as win_rate_with,
        (mine.wins - t.wins_together) / nullif(mine.matches - t.matches_together, 0) as win_rate_without,
        t.wins_against / nullif(t.matches_against, 0) as win_rate_against
    from main.fct_player_teammates as t
    cross join mine
    left join main.dim_players as d on t.xuid = d.xuid
    where t.player_xuid = $player
)

(select 'teammate' as side, * from people where matches_together > 0
 order by matches_together desc, person limit $top)
union all
(select 'opponent' as side, * from people where matches_against > 0
 order by matches_against desc, person limit $top)
""")

TEAMMATES = (
    Column("person", "teammate"), Column("matches_together", "matches together", Fmt.INT),
    Column("win_rate_with", "your win rate with them", Fmt.PCT),
    Column("win_rate_without", "without them", Fmt.PCT),
    Column("matches_against", "matches against", Fmt.INT),
)
OPPONENTS = (
    Column("person", "opponent"), Column("matches_against", "matches against", Fmt.INT),
    Column("wins_against", "your wins", Fmt.INT), Column("win_rate_against", "your win rate", Fmt.PCT),
    Column("matches_together", "matches together", Fmt.INT),
)


def present(rows: list[dict]) -> list[Block]:
    return [
        Table(TEAMMATES, [r for r in rows if r["side"] == "teammate"], "most frequent teammates"),
        Table(OPPONENTS, [r for r in rows if r["side"] == "opponent"], "most frequent opponents"),
    ]


def build(ctx: Context) -> list[Block]:
    rows = ctx.reader.rows(PEOPLE, player=ctx.player.xuid, top=TOP)
    if not rows:
        raise Unavailable("no other human in this player's matches yet")
    return present(rows)
