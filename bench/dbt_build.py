"""``dbt build`` / ``dbt run`` at 1k, 10k, 50k and 100k matches (8 tracked players, ~8 humans a match).

Per size N, on a copy of a synthetic warehouse of N matches (``python -m bench.synth --matches N``,
films for the newest 2,000; cached between runs under ``$HALO_BENCH_CACHE``, default
/tmp/halo-bench-cache, keyed by the generator's sources):

1. ``dbt build --full-refresh``  (seeds, every model from scratch, every test)
2. ``dbt run --full-refresh``    (models only; up to FULL_RUN_UP_TO matches)
3. 25 newer matches land (``bench.synth --add 25``), ``dbt run``    (incremental run)
4. 25 more land, ``dbt build --exclude-resource-type unit_test``  (incremental build: what a sync
   runs, ``halo build``)

Each step: wall time of the whole process (dbt's ~3 s start-up included), peak RSS
(``/usr/bin/time -v``), and per-node times from ``run_results.json``. One dbt invocation per step.

``--sync N`` measures the sync build against dbt's floor instead (``sync_point``): on an N-match
warehouse built in full, ``REPEATS`` times on a fresh copy each: land 25 matches, then the sync's
``dbt build``; and ``REPEATS`` times the floor, a ``dbt run`` of one trivial view of this project
(``FLOOR_MODEL``). Node counts by kind are exact; times are reported as medians.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from bench import synth
from bench.common import ROOT, machine, measured_dbt, write_result
from ingest.transform.dbt_runner import SYNC_BUILD_ARGS

PLAYERS = 8
SEED = 7
BATCH = 25
SIZES = (1_000, 10_000, 50_000, 100_000)
FULL_RUN_UP_TO = 10_000
# The sync build is measured against dbt's floor on this size (the 10k warehouse).
SYNC_SIZES = (10_000,)
# A full-size highlight chunk is ~270 KB: 50k matches would land ~11k of them (~3 GB). Films expire
# on the real service, so a backfilled warehouse holds the recent ones: the newest 2,000 here
# (all of them up to ~10k matches; bench.synth's default).
FILM_LIMIT = synth.DEFAULT_FILMS
REPEATS = 3
# dbt's floor: one invocation that builds a trivial view of this project (a select over one
# landing table), i.e. start-up, parsing and one node.
FLOOR_MODEL = "stg_halo__tracked_players"
CACHE = Path(os.environ.get("HALO_BENCH_CACHE", "/tmp/halo-bench-cache"))
# The dbt project measured: this checkout, or a patched copy (to measure a proposed change).
PROJECT = Path(os.environ.get("HALO_BENCH_PROJECT", ROOT))
GENERATOR_SOURCES = ("bench/synth.py", "bench/synth_landing.py", "bench/career_growth.py",
                     "ingest/store/registry.py", "ingest/store/schema.py", "fake_halo", "analytics/film_decode.py")


def generator_hash() -> str:
    digest = hashlib.sha1()
    for entry in GENERATOR_SOURCES:
        path = ROOT / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class Prepared:
    base: Path  # the cached warehouse of N matches (copy it before writing)
    films: int
    generate_s: float | None  # None: taken from the cache
    load: dict[str, Any] | None


def prepare(matches: int) -> Prepared:
    """The synthetic warehouse of ``matches`` matches (PLAYERS tracked players, seed SEED, films for
    the newest FILM_LIMIT), from the cache when this generator made it already."""
    name = f"landing-{PLAYERS}p-{matches}m-s{SEED}-f{FILM_LIMIT}-{generator_hash()}.duckdb"
    base = CACHE / name
    if not base.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        for stale in CACHE.glob(f"landing-{PLAYERS}p-{matches}m-*"):
            stale.unlink()  # an older generator's file: never reused
        started = time.perf_counter()
        partial = base.with_suffix(".partial")
        report = synth.create(partial, players=PLAYERS, matches=matches, seed=SEED, films=FILM_LIMIT)
        partial.rename(base)
        return Prepared(base, report.films_rendered, time.perf_counter() - started, report.__dict__)
    con = duckdb.connect(str(base), read_only=True)
    try:
        [(films,)] = con.execute("select count(*) from landing.film_chunks").fetchall()
    finally:
        con.close()
    return Prepared(base, films, None, None)


def dbt(args: list[str], db: Path, target: Path) -> dict[str, Any]:
    measured, data = measured_dbt(args, db, target, project=PROJECT)
    nodes: list[dict[str, Any]] = []
    dbt_elapsed = None
    if data is not None:
        dbt_elapsed = data.get("elapsed_time")
        nodes = [
            {"node": r["unique_id"], "status": r["status"], "seconds": round(r["execution_time"], 3),
             "message": (r.get("message") or "")[:300] if r["status"] in ("error", "fail") else None}
            for r in data["results"]
        ]
    manifest = target / "manifest.json"
    paths = {}
    if manifest.exists():
        paths = {uid: node.get("original_file_path") for uid, node in json.loads(manifest.read_text())["nodes"].items()}
    for n in nodes:
        if n["status"] in ("error", "fail"):
            n["path"] = paths.get(n["node"])
    statuses = Counter(f"{n['node'].split('.')[0]}:{n['status']}" for n in nodes)
    kinds = Counter(n["node"].split(".")[0] for n in nodes)
    seconds = Counter()
    for n in nodes:
        seconds[n["node"].split(".")[0]] += n["seconds"]
    models = sorted((n for n in nodes if n["node"].startswith("model.")), key=lambda n: -n["seconds"])
    tests = sorted((n for n in nodes if n["node"].startswith("test.")), key=lambda n: -n["seconds"])
    return {
        "args": args,
        "returncode": measured.returncode,
        "wall_s": round(measured.wall_s, 2),
        "dbt_elapsed_s": round(dbt_elapsed, 2) if dbt_elapsed is not None else None,
        "peak_rss_mb": round(measured.peak_rss_mb),
        "statuses": dict(sorted(statuses.items())),
        "nodes_by_kind": dict(sorted(kinds.items())),
        "seconds_by_kind": {k: round(v, 2) for k, v in sorted(seconds.items())},
        "models": [{k: v for k, v in n.items() if v is not None} for n in models],
        "slowest_tests": [{k: v for k, v in n.items() if v is not None} for n in tests[:10]],
        "errors": [n for n in nodes if n["status"] in ("error", "fail")],
        "tail": measured.stdout[-1500:] if measured.returncode else "",
    }


def land_batch(db: Path) -> float:
    """``bench.synth --add BATCH``: the next matches of the career, as a sync lands them."""
    started = time.perf_counter()
    synth.add(db, BATCH, workers=1)
    return time.perf_counter() - started


def size_point(matches: int, exclude: list[str], work: Path, steps: tuple[str, ...]) -> dict[str, Any]:
    prepared = prepare(matches)
    db = work / f"bench-{matches}.duckdb"
    shutil.copyfile(prepared.base, db)
    select = ["--exclude", *exclude] if exclude else []
    point: dict[str, Any] = {
        "matches": matches,
        "landed_matches_before_increments": matches,
        "films": prepared.films,
        "generate_s": round(prepared.generate_s, 1) if prepared.generate_s is not None else "cached",
        "load": prepared.load,
        "db_mb_landing": round(prepared.base.stat().st_size / 1e6),
        "exclude": exclude,
    }
    target = work / f"target-{matches}"
    if "full_build" in steps:
        point["full_build"] = dbt(["build", "--full-refresh", *select], db, target)
    # Models only, beside the build: at the sizes a sync is measured on (above them the full build
    # says it, and a second full refresh would add ~5 minutes at 100k).
    if "full_run" in steps and matches <= FULL_RUN_UP_TO:
        point["full_run"] = dbt(["run", "--full-refresh", *select], db, target)
    if "incremental_run" in steps:
        point["land_batch_1_s"] = round(land_batch(db), 2)
        point["incremental_run"] = dbt(["run", *select], db, target)
    if "incremental_build" in steps:
        point["land_batch_2_s"] = round(land_batch(db), 2)
        # What a sync runs (`halo build`, scripts/scheduled_run.sh): unit tests are `make test`'s.
        point["incremental_build"] = dbt(["build", *select, *SYNC_BUILD_ARGS], db, target)
    point["db_mb_after"] = round(db.stat().st_size / 1e6)
    db.unlink()
    return point


def run(sizes: tuple[int, ...] = SIZES, steps: tuple[str, ...] = ("full_build", "full_run", "incremental_run",
        "incremental_build"), exclude: list[str] | None = None) -> dict[str, Any]:
    points = []
    with tempfile.TemporaryDirectory(prefix="halo-bench-dbt-") as tmp:
        work = Path(tmp)
        chosen = list(exclude or [])
        for matches in sizes:
            point = size_point(matches, chosen, work, steps)
            points.append(point)
            print(json.dumps(summary_line(point)), file=sys.stderr, flush=True)
    return {"machine": machine(), "players": PLAYERS, "seed": SEED, "batch": BATCH, "points": points}


def sync_point(matches: int, work: Path, repeats: int = REPEATS) -> dict[str, Any]:
    """The sync build against the floor, ``repeats`` times each on a fresh copy (see the module doc)."""
    prepared = prepare(matches)
    built = work / f"built-{matches}.duckdb"
    shutil.copyfile(prepared.base, built)
    target = work / f"target-sync-{matches}"
    full = dbt(["build", "--full-refresh", *SYNC_BUILD_ARGS], built, target)
    point: dict[str, Any] = {"matches": matches, "films": prepared.films, "full_build": full,
                             "floor": [], "sync_build": []}
    if full["returncode"]:
        return point
    for _ in range(repeats):
        db = work / f"sync-{matches}.duckdb"
        shutil.copyfile(built, db)
        point["floor"].append(dbt(["run", "--select", FLOOR_MODEL], db, target))
        land_batch(db)
        point["sync_build"].append(dbt(["build", *SYNC_BUILD_ARGS], db, target))
        db.unlink()
    built.unlink()
    point["summary"] = sync_summary(point)
    return point


def sync_summary(point: dict[str, Any]) -> dict[str, Any]:
    """Medians of the repeated runs; node counts (identical across repeats) by kind."""
    def median(runs: list[dict[str, Any]], key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 2)

    def median_kind_seconds(runs: list[dict[str, Any]]) -> dict[str, float]:
        kinds = sorted({k for r in runs for k in r["seconds_by_kind"]})
        return {k: round(statistics.median(r["seconds_by_kind"].get(k, 0.0) for r in runs), 2) for k in kinds}

    floor_s, sync_s = median(point["floor"], "wall_s"), median(point["sync_build"], "wall_s")
    return {
        "floor_wall_s": floor_s,
        "sync_wall_s": sync_s,
        "sync_over_floor": round(sync_s / floor_s, 2),
        "sync_dbt_elapsed_s": median(point["sync_build"], "dbt_elapsed_s"),
        "sync_nodes_by_kind": point["sync_build"][0]["nodes_by_kind"],
        "sync_node_seconds_by_kind": median_kind_seconds(point["sync_build"]),
        "sync_peak_rss_mb": max(r["peak_rss_mb"] for r in point["sync_build"]),
        "sync_returncodes": [r["returncode"] for r in point["sync_build"]],
    }


def run_sync(sizes: tuple[int, ...], repeats: int = REPEATS) -> dict[str, Any]:
    points = []
    with tempfile.TemporaryDirectory(prefix="halo-bench-sync-") as tmp:
        for matches in sizes:
            point = sync_point(matches, Path(tmp), repeats)
            points.append(point)
            print(json.dumps({"matches": matches, **point.get("summary", {})}), file=sys.stderr, flush=True)
    return {"machine": machine(), "players": PLAYERS, "seed": SEED, "batch": BATCH, "repeats": repeats,
            "floor_model": FLOOR_MODEL, "project": str(PROJECT), "points": points}


def summary_line(point: dict[str, Any]) -> dict[str, Any]:
    line: dict[str, Any] = {"matches": point["matches"]}
    for step in ("full_build", "full_run", "incremental_run", "incremental_build"):
        if step in point:
            line[step] = (point[step]["wall_s"], point[step]["peak_rss_mb"], point[step]["returncode"])
    return line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--steps", default="full_build,full_run,incremental_run,incremental_build")
    parser.add_argument("--exclude", default="", help="dbt --exclude selectors, comma-separated")
    parser.add_argument("--save-as", default="dbt_build")
    parser.add_argument("--sync", default="", help="sizes: measure the sync build against the floor instead")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    if args.sync:
        write_result(args.save_as, run_sync(tuple(int(s) for s in args.sync.split(",")), args.repeats))
        return
    result = run(
        tuple(int(s) for s in args.sizes.split(",")), tuple(args.steps.split(",")),
        [selector for selector in args.exclude.split(",") if selector],
    )
    write_result(args.save_as, result)


if __name__ == "__main__":
    main(sys.argv[1:])
