"""The player marts at scale: a 10,000-match single-player career, full refresh then incremental.

Data: a synthetic warehouse of one player's 10,000 matches (``python -m bench.synth --players 1
--matches 10000 --films 0``: the fake API's own payloads landed straight into the landing tables,
no HTTP; the ingest side is measured by ``bench/ingest_throughput.py``). Films are left out (every
film is an expired 404, as the ingester would land it), so the build measures our models, not film
decoding. Then 25 newer matches land (``--add 25``).

Measured, each with the process tree's peak RSS and per-model times from run_results.json:

1. ``dbt build -s +fct_performance_scores +fct_sessions --indirect-selection cautious
   --full-refresh`` on the 10,000 landed
   matches (everything upstream is rebuilt too);
2. 25 newer matches landed, then ``dbt build -s ...`` incremental (the normal sync);
3. the same build again with nothing new (the no-op cost);
4. ``compute_performance_scores`` alone on the 10,025 rows read from prep_player_match_inputs
   (best of 3 and cold): the Polars computation without dbt around it.

Run: ``.venv/bin/python -m bench.player_models``; writes ``bench/results/player_models.json``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from analytics.performance import compute_performance_scores
from bench import synth
from bench.common import keep_or_temporary_main, machine, measured_dbt, rows_written

MATCHES = 10_000
NEW_MATCHES = 25
PLAYER_MODELS = (
    "prep_player_match_inputs",
    "prep_player_declared_friends",
    "fct_performance_scores",
    "fct_player_match_sessions",
    "fct_sessions",
)
# cautious: a test runs only when all its parents are built here (eager would also pick tests that
# join marts outside the selection, e.g. fct_medals, and fail on the missing tables).
SELECT = ["-s", "+fct_performance_scores", "+fct_sessions", "--indirect-selection", "cautious"]
TABLES = ("fct_player_match_sessions", "fct_performance_scores", "fct_sessions")


def dbt_build(db: Path, work: Path, label: str, *extra: str) -> dict[str, Any]:
    measured, results = measured_dbt(["build", *SELECT, *extra], db, work / f"target_{label}", log_path=work / "logs")
    if measured.returncode != 0 or results is None:
        sys.stderr.write(measured.stdout[-4000:] + measured.stderr[-2000:])
        raise SystemExit(f"dbt build ({label}) failed with exit code {measured.returncode}")
    per_node = {r["unique_id"]: r for r in results["results"]}
    models = {
        uid.split(".")[-1]: round(r["execution_time"], 3)
        for uid, r in per_node.items() if uid.startswith("model.")
    }
    invocation = results["metadata"]["invocation_id"]
    return {
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "wall_s": round(measured.wall_s, 2),
        "dbt_elapsed_s": round(results["elapsed_time"], 2),
        "peak_rss_mb": round(measured.peak_rss_mb, 1),
        "nodes": len(per_node),
        "player_models_s": {m: models.get(m) for m in PLAYER_MODELS},
        "slowest_models_s": dict(sorted(models.items(), key=lambda kv: -kv[1])[:8]),
        "tests_s": round(sum(r["execution_time"] for uid, r in per_node.items()
                             if uid.startswith(("test.", "unit_test."))), 2),
        "rows_written": rows_written(db, invocation, {t: f"main.{t}" for t in TABLES}),
    }


def score_only(db: Path) -> dict[str, Any]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        inputs = con.sql(
            "select player_xuid, match_id, start_time, kills, deaths, assists, kda, accuracy, "
            "minutes_basis_seconds, personal_score, damage_dealt, rank, "
            "team_mmr, enemy_mmr from intermediate.prep_player_match_inputs"
        ).pl()
    finally:
        con.close()
    times = []
    for _ in range(4):
        started = time.perf_counter()
        scores = compute_performance_scores(inputs)
        times.append(time.perf_counter() - started)
    return {
        "rows": inputs.height,
        "scored": scores["performance_score"].is_not_null().sum(),
        "cold_s": round(times[0], 3),
        "best_of_3_s": round(min(times[1:]), 3),
    }


def run(work: Path) -> dict[str, Any]:
    db = work / "halo.duckdb"
    started = time.perf_counter()
    report = synth.create(db, players=1, matches=MATCHES, films=0)
    landing_s = time.perf_counter() - started
    print(f"landed {report.matches} matches in {landing_s:.1f}s", flush=True)

    full = dbt_build(db, work, "full", "--full-refresh")
    print(f"full refresh: {full['wall_s']}s", flush=True)

    synth.add(db, NEW_MATCHES, workers=1)
    incremental = dbt_build(db, work, "incremental")
    print(f"incremental (+{NEW_MATCHES}): {incremental['wall_s']}s", flush=True)
    noop = dbt_build(db, work, "noop")
    print(f"no-op: {noop['wall_s']}s", flush=True)

    con = duckdb.connect(str(db), read_only=True)
    try:
        sizes = {t: con.execute(f"select count(*) from main.{t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()
    return {
        "machine": machine(),
        "career": {"players": 1, "matches": MATCHES, "new_matches": NEW_MATCHES,
                   "landing_s": round(landing_s, 1), "landed_rows": report.rows},
        "table_rows": sizes,
        "full_refresh": full,
        "incremental": incremental,
        "noop": noop,
        "score_computation_only": score_only(db),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    return keep_or_temporary_main("player_models", __doc__, run, argv, prefix="bench_player_")


if __name__ == "__main__":
    main(sys.argv[1:])
