"""Performance score per match, its moving average and the session boundaries (the last matches)."""

from __future__ import annotations

from .. import charts
from ..blocks import Block, Chart, Fmt, Note, Tile, Tiles
from ..context import Context
from ..reader import Query, Unavailable

KEY = "performance"
TITLE = "Performance score"
LAST = 300  # matches plotted (the moving average is computed over the whole history)
WINDOW = 10  # matches in the moving average

SCORES = Query("""
with scored as (
    select
        s.match_id,
        s.start_time,
        s.performance_score,
        ses.session_id,
        m.map_name,
        m.mode_name,
        avg(s.performance_score) over (
            order by s.start_time, s.match_id rows between 9 preceding and current row
        ) as moving_average,
        row_number() over (order by s.start_time, s.match_id) as n
    from main.fct_performance_scores as s
    inner join main.fct_player_match_sessions as ses
        on s.player_xuid = ses.player_xuid and s.match_id = ses.match_id
    inner join main.dim_matches as m on s.match_id = m.match_id
    where s.player_xuid = $player and s.performance_score is not null
),

marked as (
    select
        *,
        coalesce(session_id != lag(session_id) over (order by n), true) as is_session_start
    from scored
)

select n, start_time, performance_score, moving_average, is_session_start, map_name, mode_name
from marked
order by n desc
limit $limit
""")

COUNTS = Query("""
select
    count(*) as matches,
    count(performance_score) as scored,
    avg(performance_score) as career_mean,
    max(performance_min_history) as min_history
from main.fct_performance_scores
where player_xuid = $player
""")


def present(rows: list[dict], counts: dict) -> list[Block]:
    ordered = sorted(rows, key=lambda r: r["n"])
    last_ten = [r["performance_score"] for r in ordered[-WINDOW:]]
    blocks: list[Block] = [
        Tiles((
            Tile("last match", ordered[-1]["performance_score"], Fmt.DEC1),
            Tile(f"last {len(last_ten)} matches", sum(last_ten) / len(last_ten), Fmt.DEC1),
            Tile("career mean", counts["career_mean"], Fmt.DEC1, f"{counts['scored']:,} scored matches"),
        )),
        Chart(charts.score_timeline(), ordered,
              f"score per match (points), {WINDOW}-match moving average (line), session starts (dashed)"),
    ]
    if counts["scored"] > len(rows):
        blocks.append(Note(f"The last {len(rows)} of {counts['scored']:,} scored matches."))
    blocks.append(Note("50 is a typical match for this player, 100 their best on every metric; a match is "
                       f"scored against all their earlier matches once there are {counts['min_history']} of them."))
    return blocks


def build(ctx: Context) -> list[Block]:
    counts = ctx.reader.one(COUNTS, player=ctx.player.xuid)
    rows = ctx.reader.rows(SCORES, player=ctx.player.xuid, limit=LAST)
    if not rows:
        if not counts["matches"]:
            raise Unavailable("no score yet: run `halo build`")
        raise Unavailable(f"a match is scored once the player has {counts['min_history']} earlier matches; "
                          f"this player has {counts['matches']}")
    return present(rows, counts)
