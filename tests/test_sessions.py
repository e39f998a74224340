"""Play sessions: the legacy acceptance cases, boundaries, modes, stable ids and affected_range splicing."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import polars as pl
import pytest

from analytics.session_rules import apply_session_rules, assign_sessions, resolve_friend_sets
from analytics.sessions import TABLE_COLUMNS, affected_range, session_rows_to_write

T0 = dt.datetime(2024, 3, 1, 18, 0, tzinfo=dt.UTC)
SCHEMA: dict[str, pl.DataType] = {
    "player_xuid": pl.String(),
    "match_id": pl.String(),
    "start_time": pl.Datetime("us", "UTC"),
    "end_time": pl.Datetime("us", "UTC"),
    "teammate_xuids": pl.List(pl.String()),
}
Row = tuple[str, float, Sequence[str] | None]  # (match_id, minutes after T0, teammates)


def frame(rows: Sequence[Row], player: str = "p") -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"player_xuid": player, "match_id": mid, "start_time": T0 + dt.timedelta(minutes=m),
             "end_time": None, "teammate_xuids": None if mates is None else list(mates)}
            for mid, m, mates in rows
        ],
        schema=SCHEMA,
    )


def any_change(rows: Sequence[Row]) -> pl.DataFrame:
    """The legacy "teammates mode" of the acceptance cases: no friend set at all."""
    matches = frame(rows)
    modes = pl.DataFrame(
        {"player_xuid": ["p"], "friends_mode": ["any_change"], "friend_xuids": [[]]},
        schema={"player_xuid": pl.String, "friends_mode": pl.String,
                "friend_xuids": pl.List(pl.String)},
    )
    return apply_session_rules(matches, modes)


def ordinals(out: pl.DataFrame) -> list[int]:
    return out["session_index_in_player"].to_list()


def changed(*match_ids: str, player: str = "p") -> pl.DataFrame:
    return pl.DataFrame({"player_xuid": [player] * len(match_ids), "match_id": list(match_ids)},
                        schema={"player_xuid": pl.String, "match_id": pl.String})


def friends_of(player: str, *xuids: str | None) -> pl.DataFrame:
    return pl.DataFrame({"player_xuid": [player] * len(xuids), "friend_xuid": list(xuids)})


# --- acceptance cases (gap 120, "any change" mode unless friends are given) -----------------------


def test_signature_change_splits() -> None:
    out = any_change([("m1", 0, ["A"]), ("m2", 10, ["A"]), ("m3", 20, ["B"]), ("m4", 30, ["B"])])
    assert ordinals(out) == [0, 0, 1, 1]
    assert out["break_reason"].to_list() == ["first", None, "teammates_changed", None]


def test_long_gap_splits() -> None:
    out = any_change([("m1", 0, ["A"]), ("m2", 10, ["A"]), ("m3", 160, ["A"])])
    assert ordinals(out) == [0, 0, 1]
    assert out["break_reason"].to_list()[2] == "gap"


def test_no_teammate_information_is_gap_only() -> None:
    out = assign_sessions(frame([("m1", 0, None), ("m2", 50, None), ("m3", 100, None),
                                 ("m4", 300, None)]))
    assert ordinals(out) == [0, 0, 0, 1]
    assert set(out["friends_mode"]) == {"any_change"}


def test_first_session_is_zero_and_starts_first() -> None:
    out = any_change([("m1", 0, ["A"])])
    assert out.select("session_index_in_player", "is_session_start", "break_reason").row(0) == (
        0, True, "first")


def test_signature_null_between_two_others_gives_three_sessions() -> None:
    assert ordinals(any_change([("m1", 0, ["A"]), ("m2", 10, None), ("m3", 20, ["B"])])) == [0, 1, 2]
    # The same with "no teammates" spelled as an empty list.
    assert ordinals(any_change([("m1", 0, ["A"]), ("m2", 10, []), ("m3", 20, ["B"])])) == [0, 1, 2]


def test_all_null_signatures_give_one_session() -> None:
    assert ordinals(any_change([("m1", 0, None), ("m2", 10, None), ("m3", 20, None)])) == [0, 0, 0]


def test_any_teammate_change_splits() -> None:
    out = any_change([("m1", 0, ["x1", "x2", "x3"]), ("m2", 10, ["x1", "x2"])])
    assert ordinals(out) == [0, 1]


def test_reordered_teammates_are_the_same_set() -> None:
    # Legacy string comparison called this a break; sets deliberately do not (module docstring).
    out = any_change([("m1", 0, ["x1", "x2"]), ("m2", 10, ["x2", "x1"])])
    assert ordinals(out) == [0, 0]


def test_randoms_changing_under_friends_mode_give_one_session() -> None:
    rows = [(f"m{i}", 10 * i, ["friendA", "friendB", f"random{i}", f"random{i + 10}"])
            for i in range(6)]
    out = assign_sessions(frame(rows), friends_of("p", "friendA", "friendB"))
    assert ordinals(out) == [0] * 6
    assert set(out["friends_mode"]) == {"declared"}


# --- gap boundary and friends mode ---------------------------------------------------------------


def test_gap_of_exactly_120_minutes_is_not_a_break() -> None:
    out = assign_sessions(frame([("m1", 0, []), ("m2", 120, []), ("m3", 240, [])]))
    assert ordinals(out) == [0, 0, 0]


def test_gap_of_120_minutes_and_one_second_is_a_break() -> None:
    out = assign_sessions(frame([("m1", 0, []), ("m2", 120 + 1 / 60, [])]))
    assert ordinals(out) == [0, 1]
    assert out["break_reason"].to_list() == ["first", "gap"]


def test_custom_gap() -> None:
    out = assign_sessions(frame([("m1", 0, []), ("m2", 36, [])]), gap_minutes=35)
    assert ordinals(out) == [0, 1]


def test_friends_mode_moves_to_solo_and_back() -> None:
    # Hand-checked: F = {f1, f2}; exact 120-min gaps never break.
    rows = [
        ("m1", 0, ["f1", "r1"]),      # first
        ("m2", 120, ["f1", "f2"]),    # f2 joined → break
        ("m3", 240, ["f1", "r2"]),    # f2 left, f1 stayed → same session
        ("m4", 360, ["r3"]),          # no friend left → went solo
        ("m5", 480, []),              # still solo → same session
        ("m6", 600, ["f2"]),          # a friend joined → break
    ]
    out = assign_sessions(frame(rows), friends_of("p", "f1", "f2"))
    assert out["break_reason"].to_list() == [
        "first", "friends_joined", None, "went_solo", None, "friends_joined"]
    assert ordinals(out) == [0, 1, 1, 2, 2, 3]
    assert out["session_id"].to_list() == ["p:m1", "p:m2", "p:m2", "p:m4", "p:m4", "p:m6"]


def test_gap_wins_over_a_teammate_change() -> None:
    out = assign_sessions(frame([("m1", 0, ["f1"]), ("m2", 500, [])]), friends_of("p", "f1"))
    assert out["break_reason"].to_list() == ["first", "gap"]


def test_top_two_teammates_act_as_friends() -> None:
    rows = [
        ("m1", 0, ["t1", "t2", "r1"]),
        ("m2", 10, ["t1", "t2", "r2"]),
        ("m3", 20, ["t1", "r3"]),          # t2 left, t1 stayed: not a break
        ("m4", 30, ["t1", "t2", "t3"]),    # t2 back: joined → break
        ("m5", 40, ["t3"]),                # t3 is only third: solo
    ]
    sets = resolve_friend_sets(frame(rows))
    assert sets.row(0) == ("p", "top_teammates", ["t1", "t2"])
    out = assign_sessions(frame(rows))
    assert out["break_reason"].to_list() == ["first", None, None, "friends_joined", "went_solo"]


def test_top_two_ties_go_to_the_smaller_xuid() -> None:
    rows = [("m1", 0, ["b", "c", "a"]), ("m2", 10, ["c", "a"]), ("m3", 20, ["b"])]
    # Counts: a 2, c 2, b 2 → the two smallest xuids.
    assert resolve_friend_sets(frame(rows))["friend_xuids"].to_list() == [["a", "b"]]


def test_declared_friends_win_over_top_teammates() -> None:
    rows = [("m1", 0, ["t1"]), ("m2", 10, ["t1"])]
    sets = resolve_friend_sets(frame(rows), friends_of("p", "f9", None))
    assert sets.row(0) == ("p", "declared", ["f9"])


def test_players_are_independent() -> None:
    both = pl.concat([frame([("m1", 0, ["f"]), ("m2", 10, [])], player="p"),
                      frame([("m1", 0, ["g"]), ("m2", 10, ["g"])], player="q")])
    out = assign_sessions(both, friends_of("p", "f"))
    assert out.select("player_xuid", "session_id", "friends_mode").rows() == [
        ("p", "p:m1", "declared"), ("p", "p:m2", "declared"),
        ("q", "q:m1", "top_teammates"), ("q", "q:m1", "top_teammates")]


def test_equal_start_times_order_by_match_id() -> None:
    out = assign_sessions(frame([("b", 0, []), ("a", 0, []), ("c", 5, [])]))
    assert out["match_id"].to_list() == ["a", "b", "c"]
    assert set(out["session_id"]) == {"p:a"}


def test_invalid_input_is_an_error() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        assign_sessions(frame([("m1", 0, []), ("m1", 5, [])]))
    with pytest.raises(ValueError, match="missing input columns"):
        assign_sessions(frame([("m1", 0, [])]).drop("teammate_xuids"))


# --- stable ids and affected_range -------------------------------------------------------------


SESSION_COLUMNS = ["player_xuid", "match_id", "start_time", "session_id", "is_session_start",
                   "break_reason", "friends_mode"]


def test_ids_are_stable_when_a_match_is_appended() -> None:
    rows: list[Row] = [("m1", 0, ["f"]), ("m2", 10, ["f"]), ("m3", 300, []), ("m4", 310, [])]
    before = assign_sessions(frame(rows), friends_of("p", "f"))
    after = assign_sessions(frame([*rows, ("m5", 320, ["f"])]), friends_of("p", "f"))
    assert after.head(4).equals(before)
    assert after["session_id"].to_list()[-1] == "p:m5"


def test_append_affects_only_the_new_match() -> None:
    rows: list[Row] = [(f"m{i}", 30 * i, ["f"]) for i in range(8)]
    rows.append(("new", 30 * 8, ["f"]))
    got = affected_range(frame(rows), changed("new"), friends_of("p", "f"))
    assert got["match_id"].to_list() == ["new"]


def test_late_match_affects_only_its_neighbourhood() -> None:
    # Sessions (gap breaks): [a0 a1] [b0 b1] [c0 c1]; a late match lands between b0 and b1.
    rows: list[Row] = [("a0", 0, []), ("a1", 10, []), ("b0", 300, []), ("b1", 400, []),
                       ("c0", 700, []), ("c1", 710, []), ("late", 350, [])]
    got = affected_range(frame(rows), changed("late"))
    assert got["match_id"].to_list() == ["late", "b1"]


def test_late_match_bridging_a_gap_widens_to_the_next_session() -> None:
    # [a0] gap [b0 b1] gap [c0]: "late" at 100 joins a0's session and pulls b0, b1 in.
    rows: list[Row] = [("a0", 0, []), ("b0", 200, []), ("b1", 210, []), ("c0", 500, []),
                       ("late", 100, [])]
    got = affected_range(frame(rows), changed("late"))
    assert got["match_id"].to_list() == ["late", "b0", "b1"]
    full = assign_sessions(frame(rows))
    assert full.filter(pl.col("match_id").is_in(["b0", "b1"]))["session_id"].to_list() == [
        "p:a0", "p:a0"]


def test_top_teammates_change_affects_the_whole_player() -> None:
    rows: list[Row] = [("m1", 0, ["t1"]), ("m2", 10, ["t2"]), ("m3", 20, ["t3"]),
                       ("m4", 30, ["t3"]), ("late", 5, ["t2"])]
    # Without "late" the top two are t3 and t1 (tie t1/t2 → t1); with it, t2 and t3.
    got = affected_range(frame(rows), changed("late"))
    assert sorted(got["match_id"].to_list()) == ["late", "m1", "m2", "m3", "m4"]


def random_history(rng: random.Random, n: int, player: str) -> list[Row]:
    pool = ["f1", "f2", "f3", "r1", "r2", "r3", "r4"]
    minute = 0.0
    rows: list[Row] = []
    for i in range(n):
        minute += rng.choice([0, 5, 30, 119, 120, 121, 400])
        mates = None if rng.random() < 0.1 else rng.sample(pool, rng.randint(0, 3))
        rows.append((f"m{i:02d}", minute, mates))
    return rows


def test_previous_friend_sets_catch_edited_friends() -> None:
    rows: list[Row] = [("m1", 0, ["f1"]), ("m2", 10, ["f2"]), ("m3", 20, ["f2"])]
    previous = resolve_friend_sets(frame(rows), friends_of("p", "f1"))
    got = affected_range(frame(rows), changed(), friends_of("p", "f1", "f2"),
                         previous_friend_sets=previous)
    assert got["match_id"].to_list() == ["m1", "m2", "m3"]
    same = affected_range(frame(rows), changed(), friends_of("p", "f1"),
                          previous_friend_sets=previous)
    assert same.height == 0


@pytest.mark.parametrize("seed", range(20))
def test_splicing_the_affected_range_equals_a_full_recomputation(seed: int) -> None:
    rng = random.Random(seed)
    histories = {p: random_history(rng, rng.randint(5, 16), p) for p in ("p", "q")}
    friends = friends_of("p", "f1", "f2") if rng.random() < 0.5 else None
    pass_previous_sets = rng.random() < 0.5
    # Arrival: every match in random order, in batches; some first land without teammates and
    # get them in a later batch (stats landing late).
    events: list[tuple[str, str, bool]] = []  # (player, match_id, complete)
    for player, rows in histories.items():
        for mid, _, mates in rows:
            if mates and rng.random() < 0.3:
                events.append((player, mid, False))
            events.append((player, mid, True))
    rng.shuffle(events)
    by_id = {(p, mid): (m, mates) for p, rows in histories.items() for mid, m, mates in rows}

    landed: dict[tuple[str, str], bool] = {}
    stored: pl.DataFrame | None = None
    previous_sets: pl.DataFrame | None = None
    while events:
        size = rng.randint(1, 4)
        batch, events = events[:size], events[size:]
        touched: set[tuple[str, str]] = set()
        for player, mid, complete in batch:
            if landed.get((player, mid)) and not complete:
                continue  # the incomplete copy arrived after the complete one: nothing new
            landed[(player, mid)] = complete or landed.get((player, mid), False)
            touched.add((player, mid))
        current = pl.concat([
            frame([(mid, by_id[(p, mid)][0], by_id[(p, mid)][1] if done else None)
                   for (p, mid), done in sorted(landed.items()) if p == player], player=player)
            for player in histories
        ])
        full = assign_sessions(current, friends).select(SESSION_COLUMNS)
        if stored is not None:
            redo = affected_range(
                current,
                pl.DataFrame(sorted(touched), schema=["player_xuid", "match_id"], orient="row"),
                friends,
                previous_friend_sets=previous_sets if pass_previous_sets else None,
            )
            fresh = full.join(redo, on=["player_xuid", "match_id"], how="semi")
            kept = stored.join(redo, on=["player_xuid", "match_id"], how="anti")
            full_spliced = pl.concat([kept, fresh]).sort("player_xuid", "start_time", "match_id")
            assert full_spliced.equals(full)
        stored = full
        previous_sets = resolve_friend_sets(current, friends)


# --- incremental storage: session_rows_to_write ------------------------------------------------

KEYS = ["player_xuid", "match_id"]


def with_ends(rows: Sequence[Row], player: str = "p", ends: dict[str, float] | None = None
              ) -> pl.DataFrame:
    """frame() with end_time = start + 10 min (or the minutes given per match id)."""
    out = frame(rows, player)
    minutes = [(ends or {}).get(mid, m + 10) for mid, m, _ in rows]
    return out.with_columns(
        pl.Series("end_time", [T0 + dt.timedelta(minutes=m) for m in minutes],
                  dtype=pl.Datetime("us", "UTC"))
    )


def written_ids(out: pl.DataFrame) -> list[str]:
    return out.sort("start_time", "match_id")["match_id"].to_list()


def splice(stored: pl.DataFrame, written: pl.DataFrame, current: pl.DataFrame) -> pl.DataFrame:
    """What the dbt model leaves: delete+insert by key, then the post-hook's delete of gone rows."""
    kept = stored.join(written, on=KEYS, how="anti").join(current, on=KEYS, how="semi")
    return pl.concat([kept, written]).sort("player_xuid", "start_time", "match_id")


BASE: list[Row] = [("m1", 0, ["f", "r1"]), ("m2", 10, ["f", "r2"]), ("m3", 300, []),
                   ("m4", 310, ["r3"]), ("m5", 320, ["f"])]


def test_full_write_has_the_table_columns() -> None:
    out = session_rows_to_write(with_ends(BASE), friends_of("p", "f"))
    assert out.columns == list(TABLE_COLUMNS)
    assert out["session_id"].to_list() == ["p:m1", "p:m1", "p:m3", "p:m3", "p:m5"]
    assert out["friends_present"].to_list() == [["f"], ["f"], [], [], ["f"]]
    assert out["teammate_xuids"].to_list() == [["f", "r1"], ["f", "r2"], [], ["r3"], ["f"]]
    assert out["friend_xuids"].to_list() == [["f"]] * 5
    assert out["end_time"][0] == T0 + dt.timedelta(minutes=10)
    assert out["session_gap_minutes"].unique().to_list() == [120.0]


def test_unchanged_inputs_write_nothing() -> None:
    stored = session_rows_to_write(with_ends(BASE), friends_of("p", "f"))
    out = session_rows_to_write(with_ends(BASE), friends_of("p", "f"), stored)
    assert out.height == 0
    assert out.columns == list(TABLE_COLUMNS)


def test_appended_match_writes_only_itself() -> None:
    stored = session_rows_to_write(with_ends(BASE), friends_of("p", "f"))
    rows = [*BASE, ("m6", 330, ["f"])]
    out = session_rows_to_write(with_ends(rows), friends_of("p", "f"), stored)
    assert written_ids(out) == ["m6"]
    assert out["session_id"].to_list() == ["p:m5"]


def test_older_match_becoming_a_session_start_rewrites_that_session() -> None:
    stored = session_rows_to_write(with_ends(BASE), friends_of("p", "f"))
    rows = [*BASE, ("early", 295, [])]  # 5 min before m3: the session now starts at "early"
    out = session_rows_to_write(with_ends(rows), friends_of("p", "f"), stored)
    assert written_ids(out) == ["early", "m3", "m4"]
    assert set(out["session_id"].to_list()) == {"p:early"}


def test_end_time_change_writes_only_that_row() -> None:
    stored = session_rows_to_write(with_ends(BASE), friends_of("p", "f"))
    out = session_rows_to_write(with_ends(BASE, ends={"m3": 333}), friends_of("p", "f"), stored)
    assert written_ids(out) == ["m3"]


def test_declared_friend_rewrites_only_that_player() -> None:
    both = pl.concat([with_ends(BASE), with_ends(BASE, player="q")])
    stored = session_rows_to_write(both, friends_of("p", "f"))
    friends = pl.concat([friends_of("p", "f"), friends_of("q", "r3")])
    out = session_rows_to_write(both, friends, stored)
    assert out["player_xuid"].unique().to_list() == ["q"]
    assert out.height == len(BASE)
    assert out["friends_mode"].unique().to_list() == ["declared"]


def test_vanished_match_rewrites_the_player() -> None:
    stored = session_rows_to_write(with_ends(BASE), friends_of("p", "f"))
    current = with_ends([r for r in BASE if r[0] != "m3"])
    out = session_rows_to_write(current, friends_of("p", "f"), stored)
    assert splice(stored, out, current).equals(session_rows_to_write(current, friends_of("p", "f")))
    assert out.filter(pl.col("match_id") == "m4")["session_id"].item() == "p:m4"


def test_changed_gap_rewrites_everything() -> None:
    stored = session_rows_to_write(with_ends(BASE), friends_of("p", "f"))
    out = session_rows_to_write(with_ends(BASE), friends_of("p", "f"), stored, gap_minutes=500)
    assert out.height == len(BASE)  # every row carries the gap it was assigned with
    assert out["session_gap_minutes"].unique().to_list() == [500.0]
    # 290 min between m2 and m3 is no longer a gap break; m3 still starts one (went solo).
    assert out["break_reason"].to_list() == ["first", None, "went_solo", None, "friends_joined"]


def test_stored_table_must_have_the_table_columns() -> None:
    stored = session_rows_to_write(with_ends(BASE)).drop("friend_xuids")
    with pytest.raises(ValueError, match="friend_xuids"):
        session_rows_to_write(with_ends(BASE), None, stored)


@pytest.mark.parametrize("seed", range(12))
def test_splicing_written_rows_equals_a_full_build(seed: int) -> None:
    """Random arrivals in batches (late matches, teammates landing later, friends declared or
    dropped between runs, matches disappearing): stored ⊕ written = a full build every time, and
    every written row is new or differs from what was stored (nothing is rewritten for nothing)."""
    rng = random.Random(1000 + seed)
    histories = {p: random_history(rng, rng.randint(5, 14), p) for p in ("p", "q")}
    pending = [(p, row) for p, rows in histories.items() for row in rows]
    rng.shuffle(pending)
    landed: dict[tuple[str, str], Row] = {}
    stored: pl.DataFrame | None = None
    friends: pl.DataFrame | None = None
    while pending or stored is None:
        for player, row in pending[: rng.randint(1, 4)]:
            mid, minute, mates = row
            late_team = mates and rng.random() < 0.3 and (player, mid) not in landed
            landed[(player, mid)] = (mid, minute, None if late_team else mates)
        pending = pending[4:]
        if landed and rng.random() < 0.15:
            landed.pop(rng.choice(sorted(landed)))
        if rng.random() < 0.3:
            friends = rng.choice([None, friends_of("p", "f1"), friends_of("p", "f1", "f2"),
                                  friends_of("q", "f3")])
        for key, (mid, minute, mates) in list(landed.items()):
            if mates is None and rng.random() < 0.5:  # the teammates land later
                landed[key] = (mid, minute, next(r[2] for r in histories[key[0]] if r[0] == mid))
        parts = [with_ends([r for (p, _), r in sorted(landed.items()) if p == player], player)
                 for player in histories if any(p == player for p, _ in landed)]
        current = pl.concat(parts) if parts else with_ends([])
        full = session_rows_to_write(current, friends)
        if stored is not None:
            written = session_rows_to_write(current, friends, stored)
            assert splice(stored, written, current).equals(full)
            old_rows = {repr(r) for r in stored.iter_rows()}
            assert not [r for r in written.iter_rows() if repr(r) in old_rows]
        stored = full


def test_friend_sets_given_resolved_equal_resolving_them_here() -> None:
    """The dbt model passes the fct_player_friend_sets mart (resolve_friend_sets' output) instead
    of the declared friends: same rows, full and incremental; a player left out is an error."""
    both = pl.concat([with_ends(BASE), with_ends(BASE, player="q")])
    friends = friends_of("p", "f")
    sets = resolve_friend_sets(both, friends)
    full = session_rows_to_write(both, friends)
    assert session_rows_to_write(both, None, friend_sets=sets).equals(full)
    stored = full.filter(pl.col("match_id") != "m5")
    later = session_rows_to_write(both, friends, stored)
    assert session_rows_to_write(both, None, stored, friend_sets=sets).equals(later)
    assert written_ids(later) == ["m5", "m5"]
    with pytest.raises(ValueError, match="no row for players"):
        session_rows_to_write(both, None, friend_sets=sets.filter(pl.col("player_xuid") == "p"))
    with pytest.raises(ValueError, match="previous_friend_sets"):
        affected_range(both, changed("m5"), friend_sets=sets)
