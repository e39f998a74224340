"""Play sessions, newest first: start, wall-clock length, matches, K/D, win rate, mean score, MVP.

The MVP comes from ``fct_session_friend_impact`` [session × xuid] (the friends' impact work); its
``session_id`` column is a guess (the mart's grain names a session), isolated in ``MVPS``.
"""

from __future__ import annotations

from ..blocks import Block, Column, Fmt, Note, Table
from ..context import Context
from ..reader import Query, Unavailable

KEY = "sessions"
TITLE = "Sessions"
LAST = 25

SESSIONS = Query("""
select session_id, start_time, duration_seconds, match_count, kd_ratio, win_rate, avg_performance_score
from main.fct_sessions
where player_xuid = $player
order by start_time desc
limit $limit
""")

COUNT = Query("select count(*) as sessions from main.fct_sessions where player_xuid = $player")

MVPS = Query("""
select i.session_id, string_agg(coalesce(d.gamertag, i.xuid), ', ' order by coalesce(d.gamertag, i.xuid)) as mvp
from main.fct_session_friend_impact as i
left join main.dim_players as d on i.xuid = d.xuid
where i.player_xuid = $player and i.is_mvp
group by i.session_id
""")

COLUMNS = (
    Column("start_time", "start", Fmt.TIME),
    Column("duration_seconds", "length", Fmt.DURATION),
    Column("match_count", "matches", Fmt.INT),
    Column("kd_ratio", "K/D", Fmt.DEC2),
    Column("win_rate", "win rate", Fmt.PCT),
    Column("avg_performance_score", "mean score", Fmt.DEC1),
    Column("mvp", "MVP"),
)


def present(sessions: list[dict], total: int, mvps: dict[str, str] | str) -> list[Block]:
    rows = [{**s, "mvp": mvps.get(s["session_id"], "—") if isinstance(mvps, dict) else "—"} for s in sessions]
    blocks: list[Block] = [Table(COLUMNS, rows, f"the last {len(rows)} of {total:,} sessions" if total > len(rows) else "")]
    if isinstance(mvps, str):
        blocks.append(Note(f"MVP not available yet: {mvps}"))
    return blocks


def build(ctx: Context) -> list[Block]:
    sessions = ctx.reader.rows(SESSIONS, player=ctx.player.xuid, limit=LAST)
    if not sessions:
        raise Unavailable("no session yet (sessions are cut by `halo build` from the player's matches)")
    found = ctx.reader.rows_or_reason(MVPS, player=ctx.player.xuid)
    mvps = found if isinstance(found, str) else {r["session_id"]: r["mvp"] for r in found}
    return present(sessions, ctx.reader.one(COUNT, player=ctx.player.xuid)["sessions"], mvps)
