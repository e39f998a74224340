"""Play sessions: consecutive matches of one player, split by time gaps and by who they play with.

The rule in prose: docs/domain/player.md (play sessions); tests/test_sessions.py replays the legacy
app's acceptance cases.

Rules, per player, rows ordered by (start_time, match_id):

* The first row starts a session (``first``).
* A start-to-start gap *strictly* greater than ``gap_minutes`` starts one (``gap``): exactly 120 min
  is not a break.
* Otherwise the teammates decide, depending on the player's mode (``resolve_friend_sets``):
  - ``declared`` (the player has declared friends) and ``top_teammates`` (no declared friends: the
    two xuids with the most distinct matches on the player's team act as friends; ties go to the
    smaller xuid in string order, so the pick is deterministic). With F the friend set and
    ``cur = teammates ∩ F``: ``friends_joined`` when ``cur − prev`` is non-empty, ``went_solo``
    when ``cur`` is empty and ``prev`` is not. A friend leaving while another stays, and randoms
    coming and going, are not breaks. ``prev`` is the previous row's ``cur``, across gap breaks.
  - ``any_change`` (no friends and no teammate ever): ``teammates_changed`` when the teammate
    *set* differs from the previous row's. With ``resolve_friend_sets`` this mode is only reached
    by players who never had a teammate, so it reduces to gaps; ``apply_session_rules`` lets a
    caller force it.
  When a gap and a teammate change coincide the reason is ``gap``.

Decisions:

* Teammates are compared as **sets**, not as the legacy comma-joined strings, so "x1,x2" then
  "x2,x1" is *not* a break (the one acceptance case deliberately not reproduced). The legacy signature
  was itself built sorted, so it never produced that pair from real data; our input is a list in
  payload order, where string comparison would invent breaks.
* A NULL ``teammate_xuids`` (team unknown) is read as an empty list, as the legacy code did (its
  signature was NULL for both "no teammates" and "team unknown"). This keeps the acceptance cases'
  "A, NULL, B → three sessions" and "NULL, NULL, NULL → one session" true whichever way the
  caller encodes "none".
* ``session_id = player_xuid || ':' || match_id of the session's first match``. It is stable: a
  session keeps its id as long as its first match does (appends never change existing ids). It is
  readable and joins back to the first match; a hash would only hide that.
* ``session_index_in_player`` is a 0-based ordinal for display only: inserting an older match
  renumbers every later session, so incremental storage must not rely on it (``affected_range``
  does not cover it).

Incremental storage (``session_rows_to_write``, used by the dbt model
``fct_player_match_sessions``): the stored table keeps, per row, the inputs the row was computed
from (start_time, end_time, the normalised teammate set, the player's friend set and the gap), so
the next run can tell from data alone which rows can have changed and rewrite exactly those.
"""

from __future__ import annotations

import polars as pl

DEFAULT_GAP_MINUTES = 120.0
TOP_TEAMMATES = 2

MATCH_COLUMNS: tuple[str, ...] = ("player_xuid", "match_id", "start_time", "teammate_xuids")
FRIEND_SET_SCHEMA: dict[str, pl.DataType] = {
    "player_xuid": pl.String(),
    "friends_mode": pl.String(),
    "friend_xuids": pl.List(pl.String()),
}
OUTPUT_COLUMNS: tuple[str, ...] = (
    "player_xuid",
    "match_id",
    "start_time",
    "session_id",
    "session_index_in_player",
    "is_session_start",
    "break_reason",
    "friends_mode",
)
FRIEND_MODES = ("declared", "top_teammates", "any_change")
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

_PLAYER = "player_xuid"


def assign_sessions(
    matches: pl.DataFrame,
    friends: pl.DataFrame | None = None,
    *,
    gap_minutes: float = DEFAULT_GAP_MINUTES,
) -> pl.DataFrame:
    """One row per input match with its session (columns ``OUTPUT_COLUMNS``).

    ``matches``: player_xuid, match_id, start_time, end_time (unused), teammate_xuids
    (list[str] of the player's teammates, the player excluded; NULL = unknown).
    ``friends``: player_xuid, friend_xuid (resolved xuids); players without rows have none.
    """
    return apply_session_rules(
        matches, resolve_friend_sets(matches, friends), gap_minutes=gap_minutes
    )


def resolve_friend_sets(matches: pl.DataFrame, friends: pl.DataFrame | None = None) -> pl.DataFrame:
    """Per player of ``matches``: friends_mode and the friend set F (sorted list[str])."""
    prepared = _prepare(matches)
    players = prepared.select(_PLAYER).unique()
    declared = _declared_friends(friends)
    top = (
        prepared.select(_PLAYER, "match_id", pl.col("team").alias("mate"))
        .explode("mate")
        .drop_nulls("mate")
        .group_by(_PLAYER, "mate")
        .agg(pl.col("match_id").n_unique().alias("matches_together"))
        .sort(_PLAYER, "matches_together", "mate", descending=[False, True, False])
        .group_by(_PLAYER, maintain_order=True)
        .head(TOP_TEAMMATES)
        .group_by(_PLAYER)
        .agg(pl.col("mate").sort().alias("top"))
    )
    resolved = (
        players.join(declared, on=_PLAYER, how="left")
        .join(top, on=_PLAYER, how="left")
        .select(
            pl.col(_PLAYER),
            pl.when(pl.col("declared").is_not_null())
            .then(pl.lit("declared"))
            .when(pl.col("top").is_not_null())
            .then(pl.lit("top_teammates"))
            .otherwise(pl.lit("any_change"))
            .alias("friends_mode"),
            pl.coalesce("declared", "top", pl.lit([], dtype=pl.List(pl.String))).alias(
                "friend_xuids"
            ),
        )
    )
    return resolved.sort(_PLAYER).cast(FRIEND_SET_SCHEMA)


def apply_session_rules(
    matches: pl.DataFrame,
    friend_sets: pl.DataFrame,
    *,
    gap_minutes: float = DEFAULT_GAP_MINUTES,
) -> pl.DataFrame:
    """Sessions for ``matches`` given each player's resolved mode and friend set.

    ``friend_sets`` has the columns of ``resolve_friend_sets``; every player needs a row.
    """
    if gap_minutes < 0:
        raise ValueError(f"gap_minutes must be >= 0, got {gap_minutes}")
    unknown_modes = set(friend_sets["friends_mode"].to_list()) - set(FRIEND_MODES)
    if unknown_modes:
        raise ValueError(f"unknown friends_mode values: {sorted(map(str, unknown_modes))}")
    prepared = _prepare(matches).join(
        friend_sets.select(_PLAYER, "friends_mode", "friend_xuids"), on=_PLAYER, how="left"
    )
    if prepared["friends_mode"].null_count():
        raise ValueError("friend_sets has no row for some players in matches")

    gap_us = gap_minutes * 60 * 1_000_000
    previous = pl.col("start_time").shift(1).over(_PLAYER)
    with_flags = (
        prepared.sort(_PLAYER, "start_time", "match_id")
        .with_columns(
            previous.is_null().alias("_first"),
            ((pl.col("start_time") - previous).dt.total_microseconds() > gap_us).alias("_gap"),
            pl.col("team").list.set_intersection("friend_xuids").alias("_cur"),
        )
        .with_columns(pl.col("_cur").shift(1).over(_PLAYER).alias("_prev_cur"))
        .with_columns(_break_reason().alias("break_reason"))
        .with_columns(pl.col("break_reason").is_not_null().alias("is_session_start"))
    )
    return with_flags.with_columns(
        (
            pl.col(_PLAYER)
            + ":"
            + pl.when("is_session_start").then(pl.col("match_id")).forward_fill().over(_PLAYER)
        ).alias("session_id"),
        (pl.col("is_session_start").cast(pl.Int64).cum_sum().over(_PLAYER) - 1).alias(
            "session_index_in_player"
        ),
    ).select(OUTPUT_COLUMNS)


def affected_range(
    matches: pl.DataFrame,
    changed: pl.DataFrame,
    friends: pl.DataFrame | None = None,
    *,
    previous_friend_sets: pl.DataFrame | None = None,
    gap_minutes: float = DEFAULT_GAP_MINUTES,
) -> pl.DataFrame:
    """(player_xuid, match_id) rows whose session columns can differ from before the change.

    ``matches`` is the players' full, current match list; ``changed`` (player_xuid, match_id)
    lists the rows that are new or whose teammates changed (listing extra rows is harmless, it
    only widens the result). Recomputing ``assign_sessions`` over the full list and writing only
    these rows over the previous result gives the full result (``session_index_in_player``
    excepted, see the module docstring).

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
    """
    changed_rows = changed.select(
        pl.col(_PLAYER).cast(pl.String), pl.col("match_id").cast(pl.String)
    ).unique()
    after = resolve_friend_sets(matches, friends)
    if previous_friend_sets is None:
        remaining = _prepare(matches).join(changed_rows, on=[_PLAYER, "match_id"], how="anti")
        before = resolve_friend_sets(remaining.rename({"team": "teammate_xuids"}), friends)
    else:
        before = previous_friend_sets.cast(FRIEND_SET_SCHEMA)
    moved = (
        after.join(before, on=_PLAYER, how="left", suffix="_before")
        .filter(
            pl.col("friends_mode_before").is_null()
            | (pl.col("friends_mode") != pl.col("friends_mode_before"))
            | (pl.col("friend_xuids") != pl.col("friend_xuids_before"))
        )
        .select(_PLAYER)
    )

    is_changed = pl.col("_changed")
    touched = is_changed | is_changed.shift(1).over(_PLAYER).fill_null(False)
    stable_start = pl.col("is_session_start") & ~pl.col("_touched")
    assigned = apply_session_rules(matches, after, gap_minutes=gap_minutes)
    local = (
        assigned.join(
            changed_rows.with_columns(pl.lit(True).alias("_changed")),
            on=[_PLAYER, "match_id"],
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.col("_changed").fill_null(False))
        .with_columns(touched.alias("_touched"))
        .with_columns(stable_start.cast(pl.Int64).cum_sum().over(_PLAYER).alias("_segment"))
        .filter(pl.col("_touched").cum_max().over(_PLAYER, "_segment"))
    )
    whole = assigned.join(moved, on=_PLAYER, how="semi")
    return (
        pl.concat(
            [
                local.select(_PLAYER, "match_id", "start_time"),
                whole.select(_PLAYER, "match_id", "start_time"),
            ]
        )
        .unique()
        .sort(_PLAYER, "start_time", "match_id")
        .select(_PLAYER, "match_id")
    )


def session_rows_to_write(
    matches: pl.DataFrame,
    friends: pl.DataFrame | None = None,
    stored: pl.DataFrame | None = None,
    *,
    gap_minutes: float = DEFAULT_GAP_MINUTES,
) -> pl.DataFrame:
    """The rows of the per-match session table (``TABLE_COLUMNS``) that must be (re)written.

    ``matches`` and ``friends`` as for ``assign_sessions`` (``end_time`` is carried through);
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
    friend_sets = resolve_friend_sets(matches, friends)
    table = _session_table(matches, friend_sets, gap_minutes)
    if stored is None:
        return table
    missing = [c for c in TABLE_COLUMNS if c not in stored.columns]
    if missing:
        raise ValueError(f"missing stored columns: {', '.join(missing)}")
    if (stored["session_gap_minutes"] != gap_minutes).any():
        return table  # the gap itself changed: every assignment may differ

    keys = [_PLAYER, "match_id"]
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
    lost_rows = stored.join(table, on=keys, how="anti").select(_PLAYER).unique()
    changed = pl.concat(
        [
            compared.filter(session_inputs_changed).select(keys),
            table.join(lost_rows, on=_PLAYER, how="semi").select(keys),
        ]
    )
    redo = affected_range(
        matches,
        changed,
        friends,
        previous_friend_sets=_stored_friend_sets(stored),
        gap_minutes=gap_minutes,
    )
    candidates = table.join(pl.concat([redo, end_changed]).unique(), on=keys, how="semi")
    # affected_range is "can change": drop the rows that came out exactly as stored.
    return candidates.join(
        stored.select(TABLE_COLUMNS), on=list(TABLE_COLUMNS), how="anti", nulls_equal=True
    )


def _session_table(
    matches: pl.DataFrame, friend_sets: pl.DataFrame, gap_minutes: float
) -> pl.DataFrame:
    """Every row of the per-match session table (``TABLE_COLUMNS``), sorted."""
    if "end_time" not in matches.columns:
        raise ValueError("missing input columns: end_time")
    assigned = apply_session_rules(matches, friend_sets, gap_minutes=gap_minutes)
    keys = [_PLAYER, "match_id"]
    teams = _prepare(matches).select(*keys, pl.col("team").alias("teammate_xuids"))
    ends = matches.select(
        pl.col(_PLAYER).cast(pl.String), pl.col("match_id").cast(pl.String), "end_time"
    )
    return (
        assigned.join(ends, on=keys, how="left")
        .join(teams, on=keys, how="left")
        .join(friend_sets.select(_PLAYER, "friend_xuids"), on=_PLAYER, how="left")
        .with_columns(
            pl.col("teammate_xuids")
            .list.set_intersection("friend_xuids")
            .list.sort()
            .alias("friends_present"),
            pl.lit(float(gap_minutes)).alias("session_gap_minutes"),
        )
        .sort(_PLAYER, "start_time", "match_id")
        .select(TABLE_COLUMNS)
    )


def _stored_friend_sets(stored: pl.DataFrame) -> pl.DataFrame:
    """Each stored player's friend set, as ``resolve_friend_sets`` returned it last time.

    Every row of a player carries the same set (a changed set rewrites all of them); should rows
    ever disagree, the mode is left NULL so ``affected_range`` treats the set as moved.
    """
    distinct = stored.select(_PLAYER, "friends_mode", "friend_xuids").unique()
    return (
        distinct.group_by(_PLAYER)
        .agg(
            pl.col("friends_mode").first(),
            pl.col("friend_xuids").first(),
            pl.len().alias("_variants"),
        )
        .with_columns(
            pl.when(pl.col("_variants") == 1).then(pl.col("friends_mode")).alias("friends_mode")
        )
        .select(_PLAYER, "friends_mode", "friend_xuids")
        .cast(FRIEND_SET_SCHEMA)
    )


def _prepare(matches: pl.DataFrame) -> pl.DataFrame:
    """Validate and normalise: ``team`` = the sorted distinct teammates, NULL read as []."""
    missing = [c for c in MATCH_COLUMNS if c not in matches.columns]
    if missing:
        raise ValueError(f"missing input columns: {', '.join(missing)}")
    if matches["start_time"].null_count():
        raise ValueError("start_time must not be NULL: a match without a time has no session")
    if matches.select(pl.struct(_PLAYER, "match_id").is_duplicated().any()).item():
        raise ValueError("duplicate (player_xuid, match_id) rows in session input")
    return matches.select(
        pl.col(_PLAYER).cast(pl.String),
        pl.col("match_id").cast(pl.String),
        pl.col("start_time"),
        pl.col("teammate_xuids")
        .cast(pl.List(pl.String))
        .fill_null(pl.lit([], dtype=pl.List(pl.String)))
        .list.drop_nulls()
        .list.unique()
        .list.sort()
        .alias("team"),
    )


def _declared_friends(friends: pl.DataFrame | None) -> pl.DataFrame:
    schema = {_PLAYER: pl.String(), "declared": pl.List(pl.String())}
    if friends is None:
        return pl.DataFrame(schema=schema)
    missing = [c for c in (_PLAYER, "friend_xuid") if c not in friends.columns]
    if missing:
        raise ValueError(f"missing friends columns: {', '.join(missing)}")
    return (
        friends.select(pl.col(_PLAYER).cast(pl.String), pl.col("friend_xuid").cast(pl.String))
        .drop_nulls()
        .group_by(_PLAYER)
        .agg(pl.col("friend_xuid").unique().sort().alias("declared"))
        .cast(schema)
    )


def _break_reason() -> pl.Expr:
    friends_mode = pl.col("friends_mode").is_in(["declared", "top_teammates"])
    cur, prev = pl.col("_cur"), pl.col("_prev_cur")
    return (
        pl.when("_first")
        .then(pl.lit("first"))
        .when("_gap")
        .then(pl.lit("gap"))
        .when(friends_mode & (cur.list.set_difference(prev).list.len() > 0))
        .then(pl.lit("friends_joined"))
        .when(friends_mode & (cur.list.len() == 0) & (prev.list.len() > 0))
        .then(pl.lit("went_solo"))
        .when(
            (pl.col("friends_mode") == "any_change")
            & (pl.col("team") != pl.col("team").shift(1).over(_PLAYER))
        )
        .then(pl.lit("teammates_changed"))
        .otherwise(None)
    )
