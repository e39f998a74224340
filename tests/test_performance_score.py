"""v4-relative performance score: the legacy acceptance cases A–E, boundaries, and a naive cross-check."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

import polars as pl
import pytest

from analytics.performance import (
    OUTPUT_SCHEMA,
    TABLE_SCHEMA,
    compute_performance_scores,
    metric_values,
    rows_to_rescore,
    scores_to_write,
)

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
SCHEMA: dict[str, pl.DataType] = {
    "player_xuid": pl.String(),
    "match_id": pl.String(),
    "start_time": pl.Datetime("us", "UTC"),
    "kills": pl.Int64(),
    "deaths": pl.Int64(),
    "assists": pl.Int64(),
    "kda": pl.Float64(),
    "accuracy": pl.Float64(),
    "minutes_basis_seconds": pl.Float64(),
    "personal_score": pl.Float64(),
    "damage_dealt": pl.Float64(),
    "rank": pl.Int64(),
    "team_mmr": pl.Float64(),
    "enemy_mmr": pl.Float64(),
}


def match(match_id: str, hour: float, player: str = "p1", **stats: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(SCHEMA)
    row.update(player_xuid=player, match_id=match_id, start_time=T0 + dt.timedelta(hours=hour))
    row["minutes_basis_seconds"] = 600.0
    row.update(stats)
    return row


def frame(rows: Sequence[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA)


def score_of(rows: Sequence[dict[str, Any]], match_id: str = "cur") -> float | None:
    out = compute_performance_scores(frame(rows))
    return out.filter(pl.col("match_id") == match_id)["performance_score"].item()


# --- acceptance cases A–E -----------------------------------------------------------------------


def history_a(**extra_per_row: Any) -> list[dict[str, Any]]:
    """Case A history: kills 1..10, deaths 10..1, assists 0, kda = k − d, accuracy 40..49."""
    rows = []
    for i in range(1, 11):
        stats = {k: v[i - 1] for k, v in extra_per_row.items()}
        rows.append(
            match(f"h{i:02}", i, kills=i, deaths=11 - i, assists=0, kda=float(i - (11 - i)),
                  accuracy=39.0 + i, **stats)
        )
    return rows


CURRENT_A = {"kills": 5, "deaths": 5, "assists": 0, "kda": 0.0, "accuracy": 45.0}


def test_case_a() -> None:
    rows = [*history_a(), match("cur", 20, **CURRENT_A)]
    out = compute_performance_scores(frame(rows)).filter(pl.col("match_id") == "cur")
    # By hand: kpm 50, dpm_deaths 60, kda 50, apm 100, accuracy 60 → 44.1 / 0.73 = 60.41.
    assert out.row(0, named=True) == {
        "player_xuid": "p1", "match_id": "cur", "start_time": T0 + dt.timedelta(hours=20),
        "history_count": 10, "performance_score": 60.4,
        "pct_kpm": 50.0, "pct_dpm_deaths": 60.0, "pct_kda": 50.0, "pct_pspm": None,
        "pct_apm": 100.0, "pct_dpm_damage": None, "pct_accuracy": 60.0, "pct_rank_perf": None,
    }


def test_case_b_personal_score_and_damage() -> None:
    history = history_a(personal_score=[100.0 * i for i in range(1, 11)],
                        damage_dealt=[1000.0 * i for i in range(1, 11)])
    rows = [*history, match("cur", 20, **CURRENT_A, personal_score=550.0, damage_dealt=2500.0)]
    out = compute_performance_scores(frame(rows)).filter(pl.col("match_id") == "cur")
    assert out["pct_pspm"].item() == 50.0
    assert out["pct_dpm_damage"].item() == 20.0
    assert out["performance_score"].item() == 54.8  # 52.1 / 0.95


def test_case_c_rank_perf() -> None:
    history = history_a(personal_score=[100.0 * i for i in range(1, 11)],
                        damage_dealt=[1000.0 * i for i in range(1, 11)],
                        rank=[1, 2, 3, 4, 5, 6, 7, 8, 1, 2],
                        team_mmr=[1500.0] * 10, enemy_mmr=[1500.0] * 10)
    rows = [*history, match("cur", 20, **CURRENT_A, personal_score=550.0, damage_dealt=2500.0,
                            rank=3, team_mmr=1500.0, enemy_mmr=1500.0)]
    out = compute_performance_scores(frame(rows)).filter(pl.col("match_id") == "cur")
    assert out["pct_rank_perf"].item() == 60.0
    assert out["performance_score"].item() == 55.1  # 55.1 / 1.00


def test_case_d_longer_current_match() -> None:
    rows = [*history_a(), match("cur", 20, **CURRENT_A, minutes_basis_seconds=1200.0)]
    out = compute_performance_scores(frame(rows)).filter(pl.col("match_id") == "cur")
    # kpm 0.25 → 20; dpm 0.25 → 80 (deaths ≥ 3 of 10..1); 41.1 / 0.73 = 56.30.
    assert (out["pct_kpm"].item(), out["pct_dpm_deaths"].item()) == (20.0, 80.0)
    assert out["performance_score"].item() == 56.3


def test_case_e_missing_current_kda_is_derived() -> None:
    rows = [*history_a(), match("cur", 20, **{**CURRENT_A, "kda": None})]
    out = compute_performance_scores(frame(rows)).filter(pl.col("match_id") == "cur")
    # (5 + 0) / 5 = 1.0 → 6 of −9..9 (odd) are ≤ 1 → 60; 45.6 / 0.73 = 62.47.
    assert out["pct_kda"].item() == 60.0
    assert out["performance_score"].item() == 62.5


# --- boundaries --------------------------------------------------------------------------------


def test_nine_history_rows_give_null() -> None:
    rows = [*history_a()[1:], match("cur", 20, **CURRENT_A)]
    out = compute_performance_scores(frame(rows)).filter(pl.col("match_id") == "cur")
    assert out["history_count"].item() == 9
    assert out["performance_score"].item() is None
    assert all(out[c].item() is None for c in out.columns if c.startswith("pct_"))


def test_empty_history_gives_null() -> None:
    out = compute_performance_scores(frame([match("cur", 0, **CURRENT_A)]))
    assert out.select("history_count", "performance_score").row(0) == (0, None)


FULL = {"kills": 10, "deaths": 5, "assists": 4, "kda": 6.333, "accuracy": 50.0,
        "personal_score": 1500.0, "damage_dealt": 3000.0, "rank": 3,
        "team_mmr": 1500.0, "enemy_mmr": 1480.0}


def test_identical_history_and_current_give_100() -> None:
    rows = [match(f"h{i}", i, **FULL) for i in range(10)] + [match("cur", 20, **FULL)]
    out = compute_performance_scores(frame(rows)).filter(pl.col("match_id") == "cur")
    assert out["performance_score"].item() == 100.0
    assert [out[f"pct_{m}"].item() for m in ("kpm", "dpm_deaths", "rank_perf")] == [100.0] * 3


def varied_history() -> list[dict[str, Any]]:
    return [
        match(f"h{i}", i, kills=5 + i, deaths=5 + i, assists=2 + i, kda=1.0 + i,
              accuracy=40.0 + i, personal_score=1000.0 + 100 * i, damage_dealt=2000.0 + 100 * i,
              rank=2 + i % 5, team_mmr=1500.0, enemy_mmr=1500.0)
        for i in range(10)
    ]


def test_best_on_every_metric_gives_100() -> None:
    best = match("cur", 20, kills=40, deaths=0, assists=30, kda=50.0, accuracy=90.0,
                 personal_score=9000.0, damage_dealt=9000.0, rank=1, team_mmr=1500.0,
                 enemy_mmr=1500.0)
    out = compute_performance_scores(frame([*varied_history(), best]))
    cur = out.filter(pl.col("match_id") == "cur")
    assert cur["performance_score"].item() == 100.0
    assert all(cur[c].item() == 100.0 for c in cur.columns if c.startswith("pct_"))


def test_worst_on_every_metric_gives_0() -> None:
    worst = match("cur", 20, kills=0, deaths=30, assists=0, kda=-30.0, accuracy=10.0,
                  personal_score=0.0, damage_dealt=0.0, rank=8, team_mmr=1500.0,
                  enemy_mmr=1500.0)
    cur = compute_performance_scores(frame([*varied_history(), worst])).filter(
        pl.col("match_id") == "cur"
    )
    assert cur["performance_score"].item() == 0.0
    assert all(cur[c].item() == 0.0 for c in cur.columns if c.startswith("pct_"))


def test_single_metric_values() -> None:
    rows = [match("m", 0, kills=3, deaths=2, assists=1, personal_score=1200.0,
                  damage_dealt=3000.0, rank=2, team_mmr=1500.0, enemy_mmr=1500.0)]
    values = metric_values(frame(rows)).row(0, named=True)
    assert values["rank_perf"] == 2.5
    assert values["pspm"] == 120.0
    assert values["dpm_damage"] == 300.0
    assert values["kda"] == 2.0  # derived (3 + 1) / max(1, 2)
    assert values["kpm"] == 0.3


@pytest.mark.parametrize("seconds", [None, 0.0, -5.0, float("nan")])
def test_missing_or_non_positive_time_counts_as_600_s(seconds: float | None) -> None:
    values = metric_values(frame([match("m", 0, kills=6, minutes_basis_seconds=seconds)]))
    assert values["kpm"].item() == 0.6


def test_one_history_value_gives_50() -> None:
    # Ten earlier matches, but only one with an accuracy: n = 1 → percentile 50.
    rows = [match(f"h{i}", i, kills=1, deaths=1, assists=0, kda=0.0) for i in range(10)]
    rows[3]["accuracy"] = 99.0
    rows.append(match("cur", 20, kills=1, deaths=1, assists=0, kda=0.0, accuracy=10.0))
    cur = compute_performance_scores(frame(rows)).filter(pl.col("match_id") == "cur")
    assert cur["pct_accuracy"].item() == 50.0


# --- players, equal times, targets ----------------------------------------------------------------


def test_players_are_scored_only_against_their_own_history() -> None:
    p1 = [*history_a(), match("cur", 20, **CURRENT_A)]
    # p2 plays at interleaved times with wildly different numbers and shares one match id.
    p2 = [match(f"q{i}", i + 0.5, player="p2", kills=50, deaths=0, assists=9, kda=53.0,
                accuracy=90.0) for i in range(15)]
    p2.append(match("cur", 20, player="p2", **CURRENT_A))
    both = compute_performance_scores(frame(p1 + p2))
    alone = compute_performance_scores(frame(p1))
    assert both.filter(pl.col("player_xuid") == "p1").equals(alone)
    cur_p2 = both.filter((pl.col("player_xuid") == "p2") & (pl.col("match_id") == "cur"))
    assert cur_p2.select("history_count", "pct_kpm").row(0) == (15, 0.0)


def test_equal_start_times_are_not_each_others_history() -> None:
    rows = [*history_a(), match("tie_a", 20, **CURRENT_A), match("tie_b", 20, kills=1, deaths=9,
                                                                  assists=0, kda=-8.0),
            match("after", 21, **CURRENT_A)]
    out = compute_performance_scores(frame(rows))
    counts = dict(out.select("match_id", "history_count").iter_rows())
    assert (counts["tie_a"], counts["tie_b"], counts["after"]) == (10, 10, 12)
    # tie_b's poor line is not in tie_a's history: tie_a scores exactly like case A.
    assert out.filter(pl.col("match_id") == "tie_a")["performance_score"].item() == 60.4
    # Input order does not matter.
    shuffled = frame(rows).sample(fraction=1.0, shuffle=True, seed=3)
    assert compute_performance_scores(shuffled).equals(out)


def test_targets_only_equals_full_for_those_rows() -> None:
    rows = random_rows(random.Random(11), 120, players=("a", "b"))
    full = compute_performance_scores(frame(rows))
    targets = full.sample(n=17, seed=5).select("player_xuid", "match_id")
    only = compute_performance_scores(frame(rows), targets=targets)
    expected = full.join(targets, on=["player_xuid", "match_id"], how="semi")
    assert only.equals(expected)
    assert only.height == 17


def test_unknown_target_and_duplicate_rows_are_errors() -> None:
    rows = [match("m1", 0), match("m2", 1)]
    with pytest.raises(ValueError, match="not in matches"):
        compute_performance_scores(
            frame(rows), targets=pl.DataFrame({"player_xuid": ["p1"], "match_id": ["zz"]})
        )
    with pytest.raises(ValueError, match="duplicate"):
        compute_performance_scores(frame([match("m1", 0), match("m1", 1)]))


def test_empty_input_has_output_schema() -> None:
    out = compute_performance_scores(frame([]))
    assert out.height == 0
    assert out.schema == pl.Schema(OUTPUT_SCHEMA)


def test_min_history_is_configurable() -> None:
    rows = [*history_a()[:3], match("cur", 20, **CURRENT_A)]
    out = compute_performance_scores(frame(rows), min_history=3)
    assert out.filter(pl.col("match_id") == "cur")["performance_score"].item() is not None


# --- property: the fast implementation equals a plain O(n²) one -------------------------------

WEIGHTS = {"kpm": 0.22, "dpm_deaths": 0.18, "kda": 0.15, "pspm": 0.12, "apm": 0.10,
           "dpm_damage": 0.10, "accuracy": 0.08, "rank_perf": 0.05}


def naive_values(row: dict[str, Any]) -> dict[str, float | None]:
    """The documented per-row rules, written independently of the module."""
    secs = row["minutes_basis_seconds"]
    minutes = secs / 60 if secs is not None and secs > 0 else 10.0
    k, d, a = row["kills"], row["deaths"], row["assists"]

    def per_minute(x: float | None) -> float | None:
        return None if x is None else x / minutes

    kda = row["kda"]
    if kda is None and None not in (k, d, a):
        kda = (k + a) / max(1, d)
    rank_perf = None
    if None not in (row["rank"], row["team_mmr"], row["enemy_mmr"]):
        rank_perf = 4.5 - ((row["team_mmr"] - row["enemy_mmr"]) / 100) * 0.5 - row["rank"]
    return {"kpm": per_minute(k), "dpm_deaths": per_minute(d), "kda": kda,
            "pspm": per_minute(row["personal_score"]), "apm": per_minute(a),
            "dpm_damage": per_minute(row["damage_dealt"]), "accuracy": row["accuracy"],
            "rank_perf": rank_perf}


def naive_scores(rows: list[dict[str, Any]], min_history: int = 10) -> dict[tuple[str, str], dict]:
    result = {}
    for cur in rows:
        history = [h for h in rows if h["player_xuid"] == cur["player_xuid"]
                   and h["start_time"] < cur["start_time"]]
        mine = naive_values(cur)
        pcts: dict[str, float | None] = dict.fromkeys(WEIGHTS)
        if len(history) >= min_history:
            for name in WEIGHTS:
                series = [v for h in history if (v := naive_values(h)[name]) is not None]
                v = mine[name]
                if v is None or not series:
                    continue
                if len(series) < 2:
                    pcts[name] = 50.0
                elif name == "dpm_deaths":
                    pcts[name] = 100.0 * sum(s >= v for s in series) / len(series)
                else:
                    pcts[name] = 100.0 * sum(s <= v for s in series) / len(series)
        included = [n for n in WEIGHTS if pcts[n] is not None]
        score = None
        if included:
            score = round(sum(WEIGHTS[n] * pcts[n] for n in included)
                          / sum(WEIGHTS[n] for n in included), 1)
        result[(cur["player_xuid"], cur["match_id"])] = {
            "history_count": len(history), "performance_score": score,
            **{f"pct_{n}": p for n, p in pcts.items()},
        }
    return result


def random_rows(rng: random.Random, n: int, players: Sequence[str]) -> list[dict[str, Any]]:
    def maybe(value: Any, p_null: float = 0.15) -> Any:
        return None if rng.random() < p_null else value

    rows = []
    for i in range(n):
        hour = rng.randint(0, n // 3)  # many equal start times
        k, d, a = rng.randint(0, 6), rng.randint(0, 6), rng.randint(0, 4)  # many value ties
        rows.append(match(
            f"m{i:04}", hour, player=rng.choice(players),
            kills=maybe(k), deaths=maybe(d), assists=maybe(a),
            kda=maybe(k + a / 3 - d, 0.3), accuracy=maybe(float(rng.randint(30, 40))),
            minutes_basis_seconds=maybe(rng.choice([0.0, 300.0, 600.0, 617.0, 900.0])),
            personal_score=maybe(float(rng.randint(0, 8) * 100)),
            damage_dealt=maybe(float(rng.randint(0, 5) * 500)),
            rank=maybe(rng.randint(1, 8)), team_mmr=maybe(rng.choice([1400.0, 1500.0])),
            enemy_mmr=maybe(rng.choice([1400.0, 1450.0, 1500.0])),
        ))
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_naive_implementation(seed: int) -> None:
    rng = random.Random(seed)
    rows = random_rows(rng, 300, players=("a", "b", "c"))
    min_history = rng.choice([0, 5, 10])
    expected = naive_scores(rows, min_history=min_history)
    out = compute_performance_scores(frame(rows), min_history=min_history)
    assert out.height == len(rows)
    for got in out.iter_rows(named=True):
        want = expected[(got["player_xuid"], got["match_id"])]
        assert {k: got[k] for k in want} == want, got["match_id"]


# --- incremental storage: rows_to_rescore and scores_to_write -----------------------------------

INPUT_NAMES = [c for c in SCHEMA if c not in ("player_xuid", "match_id")]


def fingerprinted(rows: Sequence[dict[str, Any]]) -> pl.DataFrame:
    """The frame with a fingerprint of each row's inputs (the dbt view uses md5 of JSON)."""
    return frame(rows).with_columns(
        pl.concat_str([pl.col(c).cast(pl.String).fill_null("∅") for c in INPUT_NAMES],
                      separator="|").alias("input_fingerprint")
    )


def keys_of(out: pl.DataFrame) -> list[tuple[str, str]]:
    return sorted(zip(out["player_xuid"].to_list(), out["match_id"].to_list(), strict=True))


def twelve(player: str = "p1") -> list[dict[str, Any]]:
    return [match(f"m{i:02}", i, player=player, kills=i % 4, deaths=2, assists=1, kda=1.0,
                  accuracy=40.0 + i) for i in range(12)]


def test_nothing_changed_rescores_nothing() -> None:
    current = fingerprinted(twelve())
    assert rows_to_rescore(current, current).height == 0
    out = scores_to_write(current, scores_to_write(current))
    assert out.height == 0
    assert out.schema == pl.Schema(TABLE_SCHEMA)


def test_appended_match_rescores_only_itself() -> None:
    rows = twelve()
    stored = fingerprinted(rows)
    current = fingerprinted([*rows, match("new", 50, kills=3, deaths=1)])
    assert keys_of(rows_to_rescore(current, stored)) == [("p1", "new")]


def test_changed_match_rescores_itself_and_strictly_later_ones() -> None:
    rows = [*twelve(), match("same_time", 5, kills=9), *twelve("p2")]
    stored = fingerprinted(rows)
    rows[5] = {**rows[5], "team_mmr": 1500.0}  # m05 gains its skill payload
    got = keys_of(rows_to_rescore(fingerprinted(rows), stored))
    # Not "same_time" (same start: not m05's history), not m00..m04, not the other player.
    assert got == [("p1", f"m{i:02}") for i in range(5, 12)]


def test_late_old_match_rescores_everything_after_it() -> None:
    rows = twelve()
    stored = fingerprinted(rows)
    current = fingerprinted([*rows, match("late", 8.5)])
    assert keys_of(rows_to_rescore(current, stored)) == [
        ("p1", "late"), ("p1", "m09"), ("p1", "m10"), ("p1", "m11")]


def test_moved_or_removed_match_counts_from_its_earliest_time() -> None:
    rows = twelve()
    stored = fingerprinted(rows)
    moved = [*rows[:3], {**rows[3], "start_time": T0 + dt.timedelta(hours=10.5)}, *rows[4:]]
    got = keys_of(rows_to_rescore(fingerprinted(moved), stored))
    assert got == [("p1", f"m{i:02}") for i in range(3, 12)]  # from the OLD time 3
    removed = [r for r in rows if r["match_id"] != "m07"]
    got = keys_of(rows_to_rescore(fingerprinted(removed), stored))
    assert got == [("p1", f"m{i:02}") for i in range(8, 12)]


def test_changed_min_history_rewrites_everything() -> None:
    current = fingerprinted(twelve())
    stored = scores_to_write(current, min_history=10)
    out = scores_to_write(current, stored, min_history=5)
    assert out.height == 12
    assert out["performance_min_history"].unique().to_list() == [5]


def test_full_write_is_the_full_computation_plus_bookkeeping() -> None:
    rows = random_rows(random.Random(4), 80, players=("a", "b"))
    current = fingerprinted(rows)
    out = scores_to_write(current)
    assert out.drop("input_fingerprint", "performance_min_history").equals(
        compute_performance_scores(frame(rows)))
    assert out.schema == pl.Schema(TABLE_SCHEMA)


@pytest.mark.parametrize("seed", range(8))
def test_splicing_the_written_rows_equals_a_full_computation(seed: int) -> None:
    """Random ingests (new rows, rows whose inputs change, rows that disappear): after each,
    stored rows overwritten by the written ones, minus vanished matches, equal a full build, and
    the written rows are exactly the changed ones plus the player's strictly later matches."""
    rng = random.Random(seed)
    pool = random_rows(rng, 90, players=("a", "b"))
    landed: dict[str, dict[str, Any]] = {}
    stored: pl.DataFrame | None = None
    keys = ["player_xuid", "match_id"]
    for _ in range(8):
        before = dict(landed)
        for row in rng.sample(pool, rng.randint(1, 12)):
            landed[row["match_id"]] = row
        for match_id in rng.sample(sorted(landed), min(len(landed), rng.randint(0, 3))):
            if rng.random() < 0.3:
                del landed[match_id]
            else:
                landed[match_id] = {**landed[match_id], "team_mmr": rng.choice([None, 1450.0]),
                                    "kills": rng.randint(0, 6)}
        current = fingerprinted(sorted(landed.values(), key=lambda r: r["match_id"]))
        written = scores_to_write(current, stored)
        full = scores_to_write(current)
        if stored is not None:
            kept = stored.join(written, on=keys, how="anti").join(current, on=keys, how="semi")
            spliced = pl.concat([kept, written]).sort("player_xuid", "start_time", "match_id")
            assert spliced.equals(full)
            # Expected from the dicts alone: changed (new, different or gone) rows set each
            # player's earliest changed time; later rows and the changed rows are rewritten.
            changed = {m for m in landed.keys() | before.keys() if landed.get(m) != before.get(m)}
            since: dict[str, dt.datetime] = {}
            for m in changed:
                row = landed.get(m) or before[m]
                since[row["player_xuid"]] = min(since.get(row["player_xuid"], row["start_time"]),
                                                row["start_time"])
            expected = sorted(
                (r["player_xuid"], m) for m, r in landed.items()
                if m in changed or (r["player_xuid"] in since
                                    and r["start_time"] > since[r["player_xuid"]])
            )
            assert keys_of(written) == expected
        stored = full
