"""The film models at N films: full build, no-op build, incremental build with 1% new films.

Data: the real v38 highlight chunk (fake_halo/data/film/38_63391382-….gzip, 640 events, 203
pairs) landed under N synthetic match ids, each with the oddball match stats it belongs to
re-keyed to that id (8 humans: team ids, reconciliation and duels do real work) and a manifest;
its tracked player is tracked. No HTTP, no history: this measures the models, not the ingester.

Measured for each N (default 200 and 1000), with the process tree's peak RSS and the per-model
execution times from run_results.json:

1. ``dbt build`` on a fresh warehouse (every chunk decoded: the cold/full cost);
2. ``dbt build`` again with nothing new (the no-op cost: the decode model reads no bytes);
3. N/100 new films (stats + chunk) landed, then ``dbt build`` (the normal sync);
4. ``dbt build --full-refresh`` of the film models and their tests only (``path:`` selection of
   models/film): what re-decoding every film costs;
5. ``analytics.highlights.decode_chunks`` alone on the N chunks in this process (decode + pair,
   no dbt, no DuckDB write) for comparison with the model time.

``--ratio`` measures instead the issue's figure, end to end against the decoder alone, on one
warehouse of N films (default 2,000), the same chunks for both, REPEATS times interleaved (the
median is reported; other work on the machine moves single figures a lot):

- *decoder alone*: ``decode_highlight_chunk`` on each chunk's bytes, already in memory;
- *end to end*: the execution time of ``int_film_chunk_decodes`` in ``dbt run --full-refresh -s
  int_film_chunk_decodes`` (run_results.json: bytes read from DuckDB, decoded, paired, rows
  written, the post-hooks; dbt's start-up is not in it);
- both also in CPU seconds (the dbt run's, less a ``dbt run`` of the staging view alone: dbt's
  start-up), the ratio that stays put when other work shares the cores.

Run: ``.venv/bin/python -m bench.film_model [--films 200 1000]`` or ``… --ratio [--films 2000]``;
writes ``bench/results/film_model.json`` (``film_ratio.json`` with ``--ratio``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from analytics.film import decode_highlight_chunk
from analytics.film_manifest import FILM_CHUNK_TYPE_HIGHLIGHTS
from analytics.highlights import CHUNK_SCHEMA, decode_chunks
from bench.common import machine, measured_dbt, rows_written, write_result
from fake_halo import recorded
from ingest.store.schema import ensure_landing_schema
from ingest.store.warehouse import connect
from ingest.vocabulary import ASSET_KINDS

CHUNK = recorded.film("38_63391382-6b88-43f9-9ff4-6313404c419c.gzip")
STATS = recorded.response("get_match_stats_oddball.json")
MANIFEST = recorded.response("get_film_by_match_id.json")
MEDAL_METADATA = recorded.response("get_medal_metadata.json")
TRACKED_XUID = "2535445291321133"  # a human of the oddball match (aCurtis X89)
CHUNK_INDEX = 26
FILM_MODELS = (
    "int_film_chunk_decodes",
    "fct_film_events",
    "fct_killer_victim_pairs",
    "fct_film_reconciliation",
    "fct_player_opponent_duels",
    "fct_player_antagonists",
    "dim_players",
)
WRITTEN = {
    "int_film_chunk_decodes": "intermediate.int_film_chunk_decodes",
    "fct_film_events": "main.fct_film_events",
    "fct_killer_victim_pairs": "main.fct_killer_victim_pairs",
    "fct_film_reconciliation": "main.fct_film_reconciliation",
}


def match_ids(n: int, offset: int) -> list[str]:
    return [str(uuid.UUID(int=0xF11A << 112 | offset + i)) for i in range(n)]


def land_films(db: Path, ids: list[str]) -> None:
    """Stats, manifest and highlight chunk of each id (one transaction); the first time also the
    medal metadata, the tracked player and the ingester's 404s for the stats' asset refs, so the
    completeness tests pass as after a real ingest."""
    stats = json.loads(STATS.read_text())
    manifest = json.loads(MANIFEST.read_text())
    data = CHUNK.read_bytes()
    now = datetime.now(UTC)
    con = connect(db)
    try:
        ensure_landing_schema(con)
        con.execute("begin transaction")
        for match_id in ids:
            stats["MatchId"] = match_id
            manifest["CustomData"] |= {"MatchId": match_id, "FilmMajorVersion": 38}
            con.execute("insert into landing.match_stats (match_id, payload, fetched_at) values (?, ?, ?)",
                        [match_id, json.dumps(stats), now])
            con.execute("insert into landing.film_manifests (match_id, payload, fetched_at) values (?, ?, ?)",
                        [match_id, json.dumps(manifest), now])
            con.execute("insert into landing.film_chunks (match_id, chunk_index, chunk_type, film_major_version,"
                        " data, fetched_at) values (?, ?, ?, 38, ?, ?)",
                        [match_id, CHUNK_INDEX, FILM_CHUNK_TYPE_HIGHLIGHTS, data, now])
        if not con.execute("select count(*) from landing.tracked_players").fetchone()[0]:
            con.execute("insert into landing.tracked_players (xuid, gamertag, added_at) values (?, ?, ?)",
                        [TRACKED_XUID, "aCurtis X89", now])
            con.execute("insert into landing.medal_metadata (payload, fetched_at) values (?, ?)",
                        [MEDAL_METADATA.read_text(), now])
            for field, kind in ASSET_KINDS.items():
                ref = stats["MatchInfo"][field]
                con.execute(
                    "insert into landing.fetch_attempts (endpoint, key, attempted_at, http_status, outcome,"
                    " terminal) values ('ugc_asset', ?, ?, 404, 'not_found', true)",
                    [f"{kind}/{ref['AssetId']}/{ref['VersionId']}", now],
                )
        con.execute("commit")
    finally:
        con.close()


FILM_ONLY = ["-s", "path:models/film"]


def dbt_build(db: Path, work: Path, label: str, *extra: str) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    measured, results = measured_dbt(["build", *extra], db, work / f"target_{label}", log_path=work / "logs")
    if measured.returncode != 0 or results is None:
        sys.stderr.write(measured.stdout[-4000:] + measured.stderr[-2000:])
        raise SystemExit(f"dbt build ({label}) failed with exit code {measured.returncode}")
    models = {
        r["unique_id"].split(".")[-1]: round(r["execution_time"], 3)
        for r in results["results"] if r["unique_id"].startswith("model.")
    }
    film_tests = [
        r for r in results["results"]
        if r["unique_id"].startswith(("test.", "unit_test.")) and "film" in r["unique_id"]
    ]
    return {
        "wall_s": round(measured.wall_s, 2),
        # Other work on the machine inflates every figure: the 1-minute load before the build.
        "load_avg_1m_before": round(load_before, 2),
        "dbt_elapsed_s": round(results["elapsed_time"], 2),
        "peak_rss_mb": round(measured.peak_rss_mb, 1),
        "film_models_s": {m: models.get(m) for m in FILM_MODELS},
        "film_models_total_s": round(sum(models.get(m) or 0 for m in FILM_MODELS), 3),
        "film_tests_s": round(sum(r["execution_time"] for r in film_tests), 2),
        "slowest_nodes_s": {
            r["unique_id"].split(".", 2)[-1]: round(r["execution_time"], 2)
            for r in sorted(results["results"], key=lambda r: -r["execution_time"])[:8]
        },
        "rows_written": rows_written(db, results["metadata"]["invocation_id"], WRITTEN),
    }


def decode_only(ids: list[str]) -> dict[str, Any]:
    data = CHUNK.read_bytes()
    chunks = pl.DataFrame(
        {"match_id": ids, "chunk_index": [CHUNK_INDEX] * len(ids), "film_major_version": [38] * len(ids),
         "data": [data] * len(ids), "fetched_at": [datetime.now(UTC)] * len(ids),
         "landing_seq": list(range(1, len(ids) + 1))},
        schema=CHUNK_SCHEMA,
    )
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    decoded = decode_chunks(chunks)
    elapsed = time.perf_counter() - started
    return {
        "load_avg_1m_before": round(load_before, 2),
        "chunks": len(ids),
        "events": int(decoded["event_count"].sum()),
        "pairs": int(decoded["pair_count"].sum()),
        "s": round(elapsed, 3),
        "ms_per_chunk": round(elapsed * 1000 / len(ids), 2),
    }


def run_one(films: int, work: Path) -> dict[str, Any]:
    db = work / f"films_{films}.duckdb"
    ids = match_ids(films, 0)
    land_films(db, ids)
    full = dbt_build(db, work, f"{films}_full")
    print(f"{films} films, full build: {full['wall_s']}s "
          f"(decode model {full['film_models_s']['int_film_chunk_decodes']}s)", flush=True)
    noop = dbt_build(db, work, f"{films}_noop")
    print(f"{films} films, no-op build: {noop['wall_s']}s", flush=True)
    new = max(1, films // 100)
    land_films(db, match_ids(new, films))
    incremental = dbt_build(db, work, f"{films}_incremental")
    print(f"{films} films, +{new} new: {incremental['wall_s']}s", flush=True)
    film_refresh = dbt_build(db, work, f"{films}_film_refresh", "--full-refresh", *FILM_ONLY)
    print(f"{films + new} films, film models full refresh: {film_refresh['wall_s']}s", flush=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        sizes = {name: con.execute(f"select count(*) from {table}").fetchone()[0]
                 for name, table in WRITTEN.items()}
    finally:
        con.close()
    return {
        "films": films,
        "new_films": new,
        "table_rows_after": sizes,
        "db_mb": round(db.stat().st_size / 1e6, 1),
        "full": full,
        "noop": noop,
        "incremental": incremental,
        "film_models_full_refresh": film_refresh,
        "decode_chunks_only": decode_only(ids),
    }


REPEATS = 3
RATIO_FILMS = 2_000
DECODE_MODEL = "int_film_chunk_decodes"


def decoder_alone(db: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds ``decode_highlight_chunk`` takes on every landed highlight chunk (read
    first, not timed), and how many chunks."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        chunks = con.execute(
            "select data, film_major_version from landing.film_chunks where chunk_type = ?",
            [FILM_CHUNK_TYPE_HIGHLIGHTS],
        ).fetchall()
    finally:
        con.close()
    wall, cpu = time.perf_counter(), time.process_time()
    for data, version in chunks:
        decode_highlight_chunk(data, version, strict=False)  # lenient, as the model decodes
    return time.perf_counter() - wall, time.process_time() - cpu, len(chunks)


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def dbt_run(db: Path, work: Path, *args: str) -> tuple[float, float]:
    """``dbt run <args>``: (the decode model's execution time or 0, CPU seconds of the process)."""
    cpu = _children_cpu_s()
    measured, results = measured_dbt(["run", *args], db, work / "target_ratio", log_path=work / "logs")
    cpu = _children_cpu_s() - cpu
    if measured.returncode != 0 or results is None:
        sys.stderr.write(measured.stdout[-4000:] + measured.stderr[-2000:])
        raise SystemExit(f"dbt run {' '.join(args)} failed with exit code {measured.returncode}")
    nodes = [r for r in results["results"] if r["unique_id"].endswith("." + DECODE_MODEL)]
    return (nodes[0]["execution_time"] if nodes else 0.0), cpu


def ratio_run(films: int, work: Path, repeats: int = REPEATS) -> dict[str, Any]:
    """End-to-end ms/chunk against the decoder alone on the same ``films`` chunks, interleaved.

    Wall: the model's execution time against the decoder's wall time (the figure on an idle
    machine). CPU: the CPU seconds of ``dbt run --full-refresh -s int_film_chunk_decodes`` minus
    those of a ``dbt run`` of the staging view alone (dbt's start-up), against the decoder's CPU
    seconds: the same ratio, robust when other work shares the cores (their wall times are not)."""
    db = work / f"films_{films}.duckdb"
    if not db.exists():  # a kept --work warehouse is reused as it is
        land_films(db, match_ids(films, 0))
    floor_args = ("-s", "stg_halo__film_highlight_chunks")
    dbt_run(db, work, *floor_args)  # the staging view the model reads; parses the project once
    samples: list[dict[str, float]] = []
    for repeat in range(repeats):
        load = os.getloadavg()[0]
        decoder_wall, decoder_cpu, chunks = decoder_alone(db)
        _, floor_cpu = dbt_run(db, work, *floor_args)
        model_wall, model_cpu = dbt_run(db, work, "--full-refresh", "-s", DECODE_MODEL)
        per_chunk = 1000 / chunks
        sample = {"load_avg_1m_before": round(load, 2),
                  "decoder_ms_per_chunk": round(decoder_wall * per_chunk, 2),
                  "end_to_end_ms_per_chunk": round(model_wall * per_chunk, 2),
                  "decoder_cpu_ms_per_chunk": round(decoder_cpu * per_chunk, 2),
                  "end_to_end_cpu_ms_per_chunk": round((model_cpu - floor_cpu) * per_chunk, 2)}
        sample["ratio"] = round(sample["end_to_end_ms_per_chunk"] / sample["decoder_ms_per_chunk"], 2)
        sample["cpu_ratio"] = round(sample["end_to_end_cpu_ms_per_chunk"] / sample["decoder_cpu_ms_per_chunk"], 2)
        samples.append(sample)
        print(f"{films} films, repeat {repeat + 1}: " + ", ".join(f"{k} {v}" for k, v in sample.items()), flush=True)
    median = {key: statistics.median(s[key] for s in samples) for key in samples[0] if key != "load_avg_1m_before"}
    return {"films": films, "repeats": samples, "median": median}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--films", type=int, nargs="+", default=None)
    parser.add_argument("--ratio", action="store_true", help="end to end vs the decoder alone only")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--work", type=Path, default=None, help="keep the warehouses here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="film_model_") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        if args.ratio:
            result = {"machine": machine(), "chunk": {"file": CHUNK.name, "bytes": CHUNK.stat().st_size},
                      "runs": [ratio_run(n, work, args.repeats) for n in args.films or [RATIO_FILMS]]}
            print(f"wrote {write_result('film_ratio', result)}")
            return result
        result = {
            "machine": machine(),
            "chunk": {"file": CHUNK.name, "bytes": CHUNK.stat().st_size, "events": 640, "pairs": 203},
            "runs": [run_one(n, work) for n in args.films or [200, 1000]],
        }
    path = write_result("film_model", result)
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
