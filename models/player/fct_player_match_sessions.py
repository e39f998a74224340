"""Grain: tracked player x match; key (player_xuid, match_id). A thin wrapper around
``analytics.sessions.session_rows_to_write`` (pytest-tested; dbt cannot unit-test Python models).

Incremental (delete+insert on (player_xuid, match_id)): the function compares the current inputs
with the inputs stored on each row (start_time, end_time, teammate set, friend set, gap) and
returns exactly the rows that can differ from a full build. The friend sets come resolved from
fct_player_friend_sets (the one friend definition, shared with the friends' impact). Post-hooks
(in _player__models.yml) delete rows whose match is no longer an input and stamp the written
rows' dbt_invocation_id (a Python model cannot render the invocation id itself).
"""

import polars as pl

from analytics.sessions import TABLE_COLUMNS, session_rows_to_write


def model(dbt, session):
    gap_minutes = float(dbt.config.get("session_gap_minutes"))
    matches = (
        dbt.ref("prep_player_match_inputs")
        .project("player_xuid, match_id, start_time, end_time, teammate_xuids")
        .pl()
    )
    friend_sets = (
        dbt.ref("fct_player_friend_sets").project("player_xuid, friends_mode, friend_xuids").pl()
    )
    stored = None
    if dbt.is_incremental:
        stored = session.sql(f"select {', '.join(TABLE_COLUMNS)} from {dbt.this}").pl()
    rows = session_rows_to_write(
        matches, None, stored, friend_sets=friend_sets, gap_minutes=gap_minutes
    )
    return rows.with_columns(pl.lit(None, dtype=pl.String).alias("dbt_invocation_id"))
