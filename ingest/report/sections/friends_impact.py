"""The friends' impact board: points per person over the recent matches with a decoded film, and
the last session's MVP and weak link.

Reads ``fct_match_friend_impact`` [tracked player × match × xuid] with the columns the impact work
names, and ``fct_session_friend_impact`` [session × xuid], whose ``session_id`` and per-person
``impact_points`` columns are guesses (only in ``LAST_SESSION``).
"""

from __future__ import annotations

from .. import charts
from ..blocks import Block, Chart, Note, Tile, Tiles
from ..context import Context
from ..reader import Query, Unavailable

KEY = "impact"
TITLE = "Friends' impact"
MATCHES = 15

BOARD = Query("""
with recent as (
    select i.match_id, any_value(m.start_time) as start_time
    from main.fct_match_friend_impact as i
    inner join main.dim_matches as m on i.match_id = m.match_id
    where i.player_xuid = $player
    group by i.match_id
    order by start_time desc, i.match_id desc
    limit $matches
)

select
    coalesce(d.gamertag, i.xuid) as person,
    strftime(r.start_time, '%m-%d %H:%M') || ' · ' || left(i.match_id, 4) as match,
    r.start_time,
    i.impact_points,
    i.first_blood,
    i.clutch_finisher,
    i.last_casualty
from main.fct_match_friend_impact as i
inner join recent as r on i.match_id = r.match_id
left join main.dim_players as d on i.xuid = d.xuid
where i.player_xuid = $player
order by r.start_time, person
""")

LAST_SESSION = Query("""
with last_session as (
    select session_id from main.fct_sessions
    where player_xuid = $player
    order by start_time desc
    limit 1
)

select coalesce(d.gamertag, s.xuid) as person, s.impact_points, s.is_mvp, s.is_weak_link
from main.fct_session_friend_impact as s
left join main.dim_players as d on s.xuid = d.xuid
where s.player_xuid = $player and s.session_id = (select l.session_id from last_session as l)
order by s.impact_points desc, person
""")


def present(board: list[dict], last_session: list[dict] | str) -> list[Block]:
    blocks: list[Block] = []
    if isinstance(last_session, str):
        blocks.append(Note(f"MVP of the last session not available yet: {last_session}"))
    elif last_session:
        mvp = ", ".join(r["person"] for r in last_session if r["is_mvp"]) or "—"
        weak = ", ".join(r["person"] for r in last_session if r["is_weak_link"]) or "—"
        blocks.append(Tiles((Tile("MVP of the last session", mvp), Tile("weak link", weak))))
    blocks.append(Chart(charts.matrix("person", "match", "impact_points", "person", "match", diverging=True), board,
                        "impact points per person and match (oldest → newest)"))
    blocks.append(Note("First Blood +1 (the match's first kill), Clutch Finisher +2 (its last kill, on the winning "
                       "team), Last Casualty −1 (its last death, on the losing team)."))
    return blocks


def build(ctx: Context) -> list[Block]:
    board = ctx.reader.rows(BOARD, player=ctx.player.xuid, matches=MATCHES)
    if not board:
        raise Unavailable("no match of this player with a decoded film yet")
    return present(board, ctx.reader.rows_or_reason(LAST_SESSION, player=ctx.player.xuid))
