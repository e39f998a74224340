"""Play sessions stored incrementally: which rows of the per-match session table to (re)write.

The session rules themselves are ``analytics.session_rules``.

Incremental storage (``session_rows_to_write``, used by the dbt model
``fct_player_match_sessions``): the stored table keeps, per row, the inputs the row was computed
from (start_time, end_time, the normalised teammate set, the player's friend set and the gap), so
the next run can tell from data alone which rows can have changed and rewrite exactly those.
"""

from __future__ import annotations

import polars as pl

from analytics.session_rules import (
    DEFAULT_GAP_MINUTES,
    FRIEND_SET_SCHEMA,
    PLAYER,
    apply_session_rules,
    prepare_matches,
    resolve_friend_sets,
)

# The per-match session table (``session_rows_to_write``): the assignment without the unstable
# ordinal, plus the inputs each row was computed from (what the next run compares against).
TABLE_COLUMNS: tuple[str, ...] = (
    "player_xuid",
    "match_id",
    "start_time",
    "end_time",
    "session_id",
    "is_session_start",
    "break_reason",
    "friends_mode",
    "friend_xuids",
    "teammate_xuids",
    "friends_present",
    "session_gap_minutes",
)


def affected_range(
    matches: pl.DataFrame,
    changed: pl.DataFrame,
    friends: pl.DataFrame | None = None,
    *,
    previous_friend_sets: pl.DataFrame | None = None,
    friend_sets: pl.DataFrame | None = None,
    gap_minutes: float = DEFAULT_GAP_MINUTES,
) -> pl.DataFrame:
    """(player_xuid, match_id) rows whose session columns can differ from before the change.

    ``matches`` is the players' full, current match list; ``changed`` (player_xuid, match_id)
    lists the rows that are new or whose teammates changed (listing extra rows is harmless, it
    only widens the result). Recomputing ``assign_sessions`` over the full list and writing only
    these rows over the previous result gives the full result (``session_index_in_player``
    excepted, see ``analytics.session_rules``).

    Why this is enough: a row's break flag and reason depend only on that row, its predecessor
    and the player's friend set. So, with an unchanged friend set, only the changed rows and the
    row right after each of them ("touched") can get a different flag. Any other session start is
    *stable*, and a row's session id is the last start at or before it, so a row can change only
    if a touched row lies between the last stable start before it and itself: the affected rows
    run from each touched row up to the next stable start. When the friend set itself changed
    (declared friends edited, or the top-2 teammates moved), every row of that player is affected.

    The friend set before the change is ``previous_friend_sets`` (as returned by
    ``resolve_friend_sets`` last time) when given: exact in every case. Without it, it is resolved
    from ``matches`` minus the changed rows, which is exact for new rows and for rows whose
    previous teammates were unknown or empty (stats landing late), with unchanged declared friends.
    Always assumed: a match's start_time never changes (it is ``MatchInfo.StartTime``) and matches
    are never removed; otherwise pass every row of the player as changed.

    ``friend_sets``: the current sets when the caller already resolved them (as the dbt model
    ``fct_player_friend_sets`` holds them); otherwise they are resolved from ``friends``. Given
    sets need ``previous_friend_sets`` too (the fallback above resolves from ``friends``).
    """
    if friend_sets is not None and previous_friend_sets is None:
        raise ValueError("friend_sets needs previous_friend_sets (the sets stored last time)")
    changed_rows = changed.select(
        pl.col(PLAYER).cast(pl.String), pl.col("match_id").cast(pl.String)
    ).unique()
    after = _current_friend_sets(matches, friends, friend_sets)
    if previous_friend_sets is None:
        remaining = prepare_matches(matches).join(changed_rows, on=[PLAYER, "match_id"], how="anti")
        before = resolve_friend_sets(remaining.rename({"team": "teammate_xuids"}), friends)
    else:
        before = previous_friend_sets.cast(FRIEND_SET_SCHEMA)
    moved = (
        after.join(before, on=PLAYER, how="left", suffix="_before")
        .filter(
            pl.col("friends_mode_before").is_null()
            | (pl.col("friends_mode") != pl.col("friends_mode_before"))
            | (pl.col("friend_xuids") != pl.col("friend_xuids_before"))
        )
        .select(PLAYER)
    )

    is_changed = pl.col("_changed")
    touched = is_changed | is_changed.shift(1).over(PLAYER).fill_null(False)
    stable_start = pl.col("is_session_start") & ~pl.col("_touched")
    assigned = apply_session_rules(matches, after, gap_minutes=gap_minutes)
    local = (
        assigned.join(
            changed_rows.with_columns(pl.lit(True).alias("_changed")),
            on=[PLAYER, "match_id"],
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.col("_changed").fill_null(False))
        .with_columns(touched.alias("_touched"))
        .with_columns(stable_start.cast(pl.Int64).cum_sum().over(PLAYER).alias("_segment"))
        .filter(pl.col("_touched").cum_max().over(PLAYER, "_segment"))
    )
    whole = assigned.join(moved, on=PLAYER, how="semi")
    return (
        pl.concat(
            [
                local.select(PLAYER, "match_id", "start_time"),
                whole.select(PLAYER, "match_id", "start_time"),
            ]
        )
        .unique()
        .sort(PLAYER, "start_time", "match_id")
        .select(PLAYER, "match_id")
    )


def session_rows_to_write(
    matches: pl.DataFrame,
    friends: pl.DataFrame | None = None,
    stored: pl.DataFrame | None = None,
    *,
    friend_sets: pl.DataFrame | None = None,
    gap_minutes: float = DEFAULT_GAP_MINUTES,
) -> pl.DataFrame:
    """The rows of the per-match session table (``TABLE_COLUMNS``) that must be (re)written.

    ``matches`` and ``friends`` as for ``assign_sessions`` (``end_time`` is carried through);
    ``friend_sets``, when given, are the players' sets already resolved by
    ``resolve_friend_sets`` (the dbt model passes the ``fct_player_friend_sets`` mart, the one
    friend set the sessions and the friends' impact share) and ``friends`` is then unused;
    ``stored`` is the table as the previous run left it (``TABLE_COLUMNS``), or None for a full
    build (every row is returned). Writing the returned rows over ``stored`` by (player_xuid,
    match_id), and deleting stored rows whose match is no longer in ``matches``, gives exactly
    the table a full build would hold. Only rows that differ from their stored version (or are
    new) are returned.

    What is compared with ``stored``, row by row: start_time and the teammate set (session
    inputs, widened by ``affected_range``), end_time (only that row), the player's friend set
    (``affected_range``: all the player's rows when it moved), a row that disappeared (all the
    player's rows, since ``affected_range`` assumes none does) and the gap (everything).
    """
    friend_sets = _current_friend_sets(matches, friends, friend_sets)
    table = _session_table(matches, friend_sets, gap_minutes)
    if stored is None:
        return table
    missing = [c for c in TABLE_COLUMNS if c not in stored.columns]
    if missing:
        raise ValueError(f"missing stored columns: {', '.join(missing)}")
    if (stored["session_gap_minutes"] != gap_minutes).any():
        return table  # the gap itself changed: every assignment may differ

    keys = [PLAYER, "match_id"]
    inputs = ["start_time", "end_time", "teammate_xuids"]
    compared = table.select(*keys, *inputs).join(
        stored.select(*keys, *inputs).with_columns(pl.lit(True).alias("_stored")),
        on=keys,
        how="left",
        suffix="_stored",
    )
    is_new = pl.col("_stored").is_null()
    session_inputs_changed = (
        is_new
        | pl.col("start_time").ne_missing(pl.col("start_time_stored"))
        | pl.col("teammate_xuids").ne_missing(pl.col("teammate_xuids_stored"))
    )
    end_changed = compared.filter(
        ~is_new & pl.col("end_time").ne_missing(pl.col("end_time_stored"))
    ).select(keys)
    lost_rows = stored.join(table, on=keys, how="anti").select(PLAYER).unique()
    changed = pl.concat(
        [
            compared.filter(session_inputs_changed).select(keys),
            table.join(lost_rows, on=PLAYER, how="semi").select(keys),
        ]
    )
    redo = affected_range(
        matches,
        changed,
        friends,
        previous_friend_sets=_stored_friend_sets(stored),
        friend_sets=friend_sets,
        gap_minutes=gap_minutes,
    )
    candidates = table.join(pl.concat([redo, end_changed]).unique(), on=keys, how="semi")
    # affected_range is "can change": drop the rows that came out exactly as stored.
    return candidates.join(
        stored.select(TABLE_COLUMNS), on=list(TABLE_COLUMNS), how="anti", nulls_equal=True
    )


def _current_friend_sets(
    matches: pl.DataFrame, friends: pl.DataFrame | None, friend_sets: pl.DataFrame | None
) -> pl.DataFrame:
    """The players' current friend sets: ``friend_sets`` as given, else resolved from ``friends``.

    Given sets must cover every player of ``matches`` (a player without a row would have no mode).
    """
    if friend_sets is None:
        return resolve_friend_sets(matches, friends)
    given = friend_sets.select(PLAYER, "friends_mode", "friend_xuids").cast(FRIEND_SET_SCHEMA)
    uncovered = set(matches[PLAYER].cast(pl.String).to_list()) - set(given[PLAYER].to_list())
    if uncovered:
        raise ValueError(f"friend_sets has no row for players {sorted(uncovered)}")
    return given


def _session_table(
    matches: pl.DataFrame, friend_sets: pl.DataFrame, gap_minutes: float
) -> pl.DataFrame:
    """Every row of the per-match session table (``TABLE_COLUMNS``), sorted."""
    if "end_time" not in matches.columns:
        raise ValueError("missing input columns: end_time")
    assigned = apply_session_rules(matches, friend_sets, gap_minutes=gap_minutes)
    keys = [PLAYER, "match_id"]
    teams = prepare_matches(matches).select(*keys, pl.col("team").alias("teammate_xuids"))
    ends = matches.select(
        pl.col(PLAYER).cast(pl.String), pl.col("match_id").cast(pl.String), "end_time"
    )
    return (
        assigned.join(ends, on=keys, how="left")
        .join(teams, on=keys, how="left")
        .join(friend_sets.select(PLAYER, "friend_xuids"), on=PLAYER, how="left")
        .with_columns(
            pl.col("teammate_xuids")
            .list.set_intersection("friend_xuids")
            .list.sort()
            .alias("friends_present"),
            pl.lit(float(gap_minutes)).alias("session_gap_minutes"),
        )
        .sort(PLAYER, "start_time", "match_id")
        .select(TABLE_COLUMNS)
    )


def _stored_friend_sets(stored: pl.DataFrame) -> pl.DataFrame:
    """Each stored player's friend set, as ``resolve_friend_sets`` returned it last time.

    Every row of a player carries the same set (a changed set rewrites all of them); should rows
    ever disagree, the mode is left NULL so ``affected_range`` treats the set as moved.
    """
    distinct = stored.select(PLAYER, "friends_mode", "friend_xuids").unique()
    return (
        distinct.group_by(PLAYER)
        .agg(
            pl.col("friends_mode").first(),
            pl.col("friend_xuids").first(),
            pl.len().alias("_variants"),
        )
        .with_columns(
            pl.when(pl.col("_variants") == 1).then(pl.col("friends_mode")).alias("friends_mode")
        )
        .select(PLAYER, "friends_mode", "friend_xuids")
        .cast(FRIEND_SET_SCHEMA)
    )
