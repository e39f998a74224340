"""Play sessions: consecutive matches of one player, split by time gaps and by who they play with.

The rule in prose: docs/domain/player.md (play sessions); tests/test_sessions.py replays the legacy
app's acceptance cases. ``analytics.sessions`` stores the result incrementally.

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
PLAYER = "player_xuid"


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
    prepared = prepare_matches(matches)
    players = prepared.select(PLAYER).unique()
    declared = _declared_friends(friends)
    top = (
        prepared.select(PLAYER, "match_id", pl.col("team").alias("mate"))
        .explode("mate")
        .drop_nulls("mate")
        .group_by(PLAYER, "mate")
        .agg(pl.col("match_id").n_unique().alias("matches_together"))
        .sort(PLAYER, "matches_together", "mate", descending=[False, True, False])
        .group_by(PLAYER, maintain_order=True)
        .head(TOP_TEAMMATES)
        .group_by(PLAYER)
        .agg(pl.col("mate").sort().alias("top"))
    )
    resolved = (
        players.join(declared, on=PLAYER, how="left")
        .join(top, on=PLAYER, how="left")
        .select(
            pl.col(PLAYER),
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
    return resolved.sort(PLAYER).cast(FRIEND_SET_SCHEMA)


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
    prepared = prepare_matches(matches).join(
        friend_sets.select(PLAYER, "friends_mode", "friend_xuids"), on=PLAYER, how="left"
    )
    if prepared["friends_mode"].null_count():
        raise ValueError("friend_sets has no row for some players in matches")

    gap_us = gap_minutes * 60 * 1_000_000
    previous = pl.col("start_time").shift(1).over(PLAYER)
    with_flags = (
        prepared.sort(PLAYER, "start_time", "match_id")
        .with_columns(
            previous.is_null().alias("_first"),
            ((pl.col("start_time") - previous).dt.total_microseconds() > gap_us).alias("_gap"),
            pl.col("team").list.set_intersection("friend_xuids").alias("_cur"),
        )
        .with_columns(pl.col("_cur").shift(1).over(PLAYER).alias("_prev_cur"))
        .with_columns(_break_reason().alias("break_reason"))
        .with_columns(pl.col("break_reason").is_not_null().alias("is_session_start"))
    )
    return with_flags.with_columns(
        (
            pl.col(PLAYER)
            + ":"
            + pl.when("is_session_start").then(pl.col("match_id")).forward_fill().over(PLAYER)
        ).alias("session_id"),
        (pl.col("is_session_start").cast(pl.Int64).cum_sum().over(PLAYER) - 1).alias(
            "session_index_in_player"
        ),
    ).select(OUTPUT_COLUMNS)


def prepare_matches(matches: pl.DataFrame) -> pl.DataFrame:
    """Validate and normalise: ``team`` = the sorted distinct teammates, NULL read as []."""
    missing = [c for c in MATCH_COLUMNS if c not in matches.columns]
    if missing:
        raise ValueError(f"missing input columns: {', '.join(missing)}")
    if matches["start_time"].null_count():
        raise ValueError("start_time must not be NULL: a match without a time has no session")
    if matches.select(pl.struct(PLAYER, "match_id").is_duplicated().any()).item():
        raise ValueError("duplicate (player_xuid, match_id) rows in session input")
    return matches.select(
        pl.col(PLAYER).cast(pl.String),
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
    schema = {PLAYER: pl.String(), "declared": pl.List(pl.String())}
    if friends is None:
        return pl.DataFrame(schema=schema)
    missing = [c for c in (PLAYER, "friend_xuid") if c not in friends.columns]
    if missing:
        raise ValueError(f"missing friends columns: {', '.join(missing)}")
    return (
        friends.select(pl.col(PLAYER).cast(pl.String), pl.col("friend_xuid").cast(pl.String))
        .drop_nulls()
        .group_by(PLAYER)
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
            & (pl.col("team") != pl.col("team").shift(1).over(PLAYER))
        )
        .then(pl.lit("teammates_changed"))
        .otherwise(None)
    )
