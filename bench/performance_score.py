"""Benchmark the v4-relative performance score on one synthetic 10,000-match player.

Times (best of a few runs, plus the cold first run):
* the full computation (every match scored) with ``analytics.performance``;
* a targets-only computation of the last 25 matches (what an incremental run does);
* the same with ``min_history=0`` (every row's percentiles published), like for like with
* the alternative considered for the dominance counts: a pure-Python Fenwick tree over
  rank-compressed values, processed in time order (equal start times queried before inserted).
  Its percentiles are checked against the Polars implementation;
* one cold run of both on a 100,000-match player, to show the scaling.

Run: ``.venv/bin/python bench/performance_score.py``; writes ``bench/results/performance_score.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from analytics.performance import METRICS, compute_performance_scores, metric_values

MATCHES = 10_000
TARGETS = 25
SCALE_MATCHES = 100_000
SEED = 20240101
REPEATS = 3
RESULTS = Path(__file__).resolve().parent / "results" / "performance_score.json"


def synthetic_player(n: int, seed: int) -> pl.DataFrame:
    """One player's history: realistic ranges, ~2% equal start times, a few NULLs."""
    rng = random.Random(seed)
    start = dt.datetime(2021, 11, 15, tzinfo=dt.UTC)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        if rng.random() > 0.02:  # otherwise same start time as the previous match
            start += dt.timedelta(minutes=rng.randint(8, 900))
        kills, deaths, assists = rng.randint(0, 30), rng.randint(0, 25), rng.randint(0, 15)
        rows.append(
            {
                "player_xuid": "2533274800000001",
                "match_id": f"{i:08d}-0000-0000-0000-000000000000",
                "start_time": start,
                "kills": kills,
                "deaths": deaths,
                "assists": assists,
                "kda": None if rng.random() < 0.01 else kills + assists / 3 - deaths,
                "accuracy": None if rng.random() < 0.02 else round(rng.uniform(20, 70), 2),
                "minutes_basis_seconds": float(rng.randint(240, 1200)),
                "personal_score": float(rng.randint(0, 60) * 50),
                "damage_dealt": float(rng.randint(0, 9000)),
                "rank": rng.randint(1, 8),
                "team_mmr": round(rng.uniform(1200, 1600), 1),
                "enemy_mmr": round(rng.uniform(1200, 1600), 1),
            }
        )
    return pl.DataFrame(rows)


def timed(fn: Callable[[], pl.DataFrame]) -> tuple[list[float], pl.DataFrame]:
    seconds: list[float] = []
    result = pl.DataFrame()
    for _ in range(REPEATS):
        began = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - began)
    return seconds, result


def fenwick_percentiles(matches: pl.DataFrame) -> pl.DataFrame:
    """Percentile columns via a pure-Python Fenwick tree (single player, all rows)."""
    values = metric_values(matches).sort("start_time", "match_id")
    times = values["start_time"].to_list()
    out: dict[str, list[float | None]] = {"match_id": values["match_id"].to_list()}
    for metric in METRICS:
        column = values[metric.name].to_list()
        signed = [None if v is None else (-v if metric.inverse else v) + 0.0 for v in column]
        ranks = {v: r for r, v in enumerate(sorted({v for v in signed if v is not None}), 1)}
        tree = [0] * (len(ranks) + 1)
        pct: list[float | None] = [None] * len(signed)
        inserted = 0
        group_start = 0
        while group_start < len(signed):
            group_end = group_start
            while group_end < len(signed) and times[group_end] == times[group_start]:
                group_end += 1
            for i in range(group_start, group_end):  # query the whole time group first
                v = signed[i]
                if v is None or inserted == 0:
                    continue
                count, r = 0, ranks[v]
                while r > 0:
                    count += tree[r]
                    r -= r & -r
                pct[i] = 50.0 if inserted == 1 else 100.0 * count / inserted
            for i in range(group_start, group_end):
                v = signed[i]
                if v is None:
                    continue
                r = ranks[v]
                while r < len(tree):
                    tree[r] += 1
                    r += r & -r
                inserted += 1
            group_start = group_end
        out[f"pct_{metric.name}"] = pct
    return pl.DataFrame(out)


def scale_point(n: int) -> dict[str, float | int]:
    """One cold run of each variant on a much longer history, to show how they scale."""
    matches = synthetic_player(n, SEED + 1)
    began = time.perf_counter()
    compute_performance_scores(matches, min_history=0)
    polars_seconds = time.perf_counter() - began
    began = time.perf_counter()
    fenwick_percentiles(matches)
    return {
        "matches": n,
        "polars_ungated_seconds": polars_seconds,
        "fenwick_python_percentiles_seconds": time.perf_counter() - began,
    }


def main() -> None:
    matches = synthetic_player(MATCHES, SEED)
    targets = matches.sort("start_time", "match_id").tail(TARGETS).select("player_xuid", "match_id")

    full_seconds, full = timed(lambda: compute_performance_scores(matches))
    target_seconds, only = timed(lambda: compute_performance_scores(matches, targets=targets))
    fenwick_seconds, fenwick = timed(lambda: fenwick_percentiles(matches))

    # Like for like with the Fenwick variant: min_history=0 publishes every row's percentiles.
    ungated_seconds, ungated = timed(lambda: compute_performance_scores(matches, min_history=0))
    pct_columns = [f"pct_{m.name}" for m in METRICS]
    ungated = ungated.select("match_id", *pct_columns).sort("match_id")
    same_pct = ungated.equals(fenwick.sort("match_id").select(ungated.columns))
    same_targets = only.equals(full.tail(TARGETS))
    scale = scale_point(SCALE_MATCHES)

    report = {
        "matches": MATCHES,
        "seed": SEED,
        "targets": TARGETS,
        "repeats": REPEATS,
        "machine": {
            "python": platform.python_version(),
            "polars": pl.__version__,
            "cpus": os.cpu_count(),
        },
        "full_seconds": {"first": full_seconds[0], "best": min(full_seconds)},
        "targets_seconds": {"first": target_seconds[0], "best": min(target_seconds)},
        "polars_ungated_seconds": {"first": ungated_seconds[0], "best": min(ungated_seconds)},
        "fenwick_python_percentiles_seconds": {
            "first": fenwick_seconds[0],
            "best": min(fenwick_seconds),
        },
        "scale_point": scale,
        "fenwick_equals_polars_percentiles": same_pct,
        "targets_equal_full": same_targets,
        "scored_rows": full["performance_score"].is_not_null().sum(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    if not (same_pct and same_targets):
        raise SystemExit("benchmark consistency check failed")


if __name__ == "__main__":
    main()
