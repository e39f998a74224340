"""Per tracked player, what the progress marts hold: citations, the friends' impact board, streaks
(the marts' rules: docs/domain/player_progress.md). ``halo status`` prints the counts and the demo
prints one line each; both read only the marts, and say nothing before the first ``dbt build``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

COUNTS_SQL = """
select
    tracked.xuid,
    tracked.gamertag,
    (select count(*) from main.fct_player_citations as c where c.player_xuid = tracked.xuid),
    (select count(*) from main.fct_player_citations as c where c.player_xuid = tracked.xuid and c.level > 0),
    (select count(distinct match_id) from main.fct_match_friend_impact as i where i.player_xuid = tracked.xuid),
    (select count(*) from main.fct_player_streaks as s where s.player_xuid = tracked.xuid),
    (select any_value(streak_kind) from main.fct_player_streaks as s
     where s.player_xuid = tracked.xuid and s.is_current),
    (select any_value(length) from main.fct_player_streaks as s
     where s.player_xuid = tracked.xuid and s.is_current)
from landing.tracked_players as tracked
order by tracked.gamertag, tracked.xuid
"""

# The citation closest to its next level among those under way (ties: the larger total).
TOP_CITATION_SQL = """
select display_name, level, level_count, total, next_target, progress_pct, last_session_gain
from main.fct_player_citations
where player_xuid = ? and next_target is not null and total > 0
order by progress_pct desc, total desc, citation_id
limit 1
"""

# The player's latest session with a decoded film: each person's points and titles.
LAST_SESSION_BOARD_SQL = """
with latest as (
    select board.session_id
    from main.fct_session_friend_impact as board
    join main.fct_sessions as sessions on sessions.session_id = board.session_id
    where board.player_xuid = ?
    order by sessions.start_time desc
    limit 1
)
select coalesce(players.gamertag, board.xuid), board.impact_points, board.is_mvp, board.is_weak_link
from main.fct_session_friend_impact as board
join latest on latest.session_id = board.session_id
left join main.dim_players as players on players.xuid = board.xuid
order by board.impact_points desc, 1
"""

LONGEST_SQL = """
select streak_kind, longest_length
from main.fct_player_streak_summary
where player_xuid = ? and scope = 'overall'
"""


@dataclass(frozen=True)
class ProgressCounts:
    player_xuid: str
    gamertag: str | None
    citations: int
    citations_levelled: int
    impact_matches: int
    streaks: int
    current_streak_kind: str | None
    current_streak_length: int | None

    @property
    def current_streak(self) -> str:
        if self.current_streak_kind is None:
            return "none"
        letter = "W" if self.current_streak_kind == "win" else "L"
        return f"{letter}{self.current_streak_length}"


def progress_counts(con: duckdb.DuckDBPyConnection) -> list[ProgressCounts]:
    """One row per tracked player; [] before the progress marts are built."""
    try:
        rows = con.execute(COUNTS_SQL).fetchall()
    except duckdb.CatalogException:
        return []
    return [ProgressCounts(*row) for row in rows]


def progress_lines(con: duckdb.DuckDBPyConnection, player_xuid: str) -> list[str]:
    """Three lines about one tracked player: top citation progress, the last session's MVP, the
    current streak. [] before the progress marts are built."""
    try:
        top = con.execute(TOP_CITATION_SQL, [player_xuid]).fetchall()
        board = con.execute(LAST_SESSION_BOARD_SQL, [player_xuid]).fetchall()
        longest = dict(con.execute(LONGEST_SQL, [player_xuid]).fetchall())
        counts = {c.player_xuid: c for c in progress_counts(con)}
    except duckdb.CatalogException:
        return []
    return [_citation_line(top), _board_line(board), _streak_line(counts.get(player_xuid), longest)]


def _citation_line(top: list[tuple]) -> str:
    if not top:
        return "top citation: none under way yet"
    name, level, levels, total, target, pct, gain = top[0]
    return (f"top citation: {name} level {level}/{levels}, {total}/{target} ({pct:g} %), "
            f"+{gain} last session")


def _board_line(board: list[tuple]) -> str:
    if not board:
        return "last session's MVP: no session with a decoded film yet"
    mvps = [f"{name} ({points:+d})" for name, points, is_mvp, _ in board if is_mvp]
    weak = [f"{name} ({points:+d})" for name, points, _, is_weak in board if is_weak]
    if not mvps and len(board) == 1:
        return f"last session's MVP: none, {board[0][0]} played without friends ({board[0][1]:+d})"
    if not mvps:
        return f"last session's MVP: none, all {len(board)} level at {board[0][1]:+d}"
    return f"last session's MVP: {', '.join(mvps)}; weak link: {', '.join(weak)}"


def _streak_line(counts: ProgressCounts | None, longest: dict[str, int]) -> str:
    best = f"longest W{longest.get('win', 0)} / L{longest.get('loss', 0)}"
    if counts is None or counts.current_streak_kind is None:
        return f"current streak: none (the latest match was neither a win nor a loss); {best}"
    noun = "win" if counts.current_streak_kind == "win" else "loss"
    plural = "es" if noun == "loss" else "s"
    length = counts.current_streak_length or 0
    return f"current streak: {length} {noun}{plural if length != 1 else ''} ({counts.current_streak}); {best}"
