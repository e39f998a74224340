"""Ingest throughput against the fake API on loopback, at the real API's budget.

The server runs in its own process (``bench.fake_server``) with 80 ms latency (+0-20 ms jitter) and
a token bucket of 5 req/s (burst 2) per host answering 429 beyond it. The ingester runs in this
process with its default settings (5 req/s per host, profile 1 req/s, concurrency 12) on a fresh
warehouse, through ``run_ingest`` as ``halo ingest`` would.

The API budget: every host allows ``RATE`` req/s (profile: 1 req/s). Given the requests a run
really needs per host (n_h, counted by the server, 429s excluded), no client can finish before
T* = max_h n_h / rate_h; "of the limit" is T* / (the run's wall time), and the limit in matches/s
is matches / T*. Per match that is (halostats) 1 stats + 1/25 history page per tracked player
listing it; (skill) 1 per matchmade match; (discovery) 1 film manifest per film + each distinct
asset version once; (blobs) 1 highlight chunk per film; profiles in batches of 20 at 1 req/s.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from bench.common import PYTHON, ROOT, machine, write_result
from fake_halo import DEFAULT_TOKEN
from fake_halo.spec import CareerSpec
from ingest.api.client import HttpSettings
from ingest.sync.ingest_request import IngestRequest, run_ingest

RATE = 5.0
PROFILE_RATE = 1.0
OLD_PIPELINE_MATCHES_PER_S = 0.14  # the legacy backfill: "100 matches 12 min" (its v5 figure)
SYNC_NEW = 50  # matches a sync scenario finds on top of its warehouse


@dataclass
class Scenario:
    name: str
    players: int
    matches: int
    profiles: str = "all"
    http: dict[str, Any] = field(default_factory=dict)  # HttpSettings overrides
    latency_ms: float = 80.0
    jitter_ms: float = 20.0
    pool_size: int | None = None  # non-tracked humans; None: the scale spec's (small: ~matches/2)
    # A sync of every tracked player (no --player, as the scheduled run does) on a copy of the
    # dbt benchmark's synthetic warehouse of ``players`` x ``matches`` (``bench.synth``), the server
    # serving that career plus its next ``SYNC_NEW`` matches.
    sync: bool = False


class FakeServer:
    """``bench.fake_server`` in a child process."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.process = subprocess.Popen(
            [str(PYTHON), "-m", "bench.fake_server", "--players", str(scenario.players),
             "--matches", str(scenario.matches), "--seed", str(seed),
             "--latency-ms", str(scenario.latency_ms), "--jitter-ms", str(scenario.jitter_ms),
             "--rate", str(RATE),
             *(["--pool-size", str(scenario.pool_size)] if scenario.pool_size else []),
             *(["--add", str(SYNC_NEW)] if scenario.sync else [])],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(f"fake server did not start: {line!r}")
        self.base_url = line.split(" ", 1)[1]

    def requests(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.base_url}/_control/requests?limit=1000000") as reply:
            return json.loads(reply.read())["requests"]

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            self.process.wait(timeout=10)


def budget(records: list[dict[str, Any]], matches: int, tracked: int) -> dict[str, Any]:
    """Requests per host (429s apart) and the shortest time the API budget allows for them."""
    served = Counter(r["host"] for r in records if r["status"] != 429)
    throttled = Counter(r["host"] for r in records if r["status"] == 429)
    by_endpoint = Counter(r["endpoint"] for r in records if r["status"] != 429)
    floor = {h: n / (PROFILE_RATE if h == "profile" else RATE) for h, n in served.items()}
    bottleneck = max(floor, key=floor.__getitem__)
    return {
        "requests_by_host": dict(sorted(served.items())),
        "requests_by_endpoint": dict(sorted(by_endpoint.items())),
        "throttled_by_host": dict(sorted(throttled.items())),
        "min_seconds_by_host": {h: round(s, 2) for h, s in sorted(floor.items())},
        "bottleneck_host": bottleneck,
        "min_seconds": floor[bottleneck],
        "limit_matches_per_s": matches / floor[bottleneck],
        "per_match": {h: round(n / matches, 3) for h, n in sorted(served.items())},
    }


def run_scenario(scenario: Scenario, seed: int = 7) -> dict[str, Any]:
    spec = CareerSpec.scale(scenario.players, scenario.matches, seed)
    server = FakeServer(scenario, seed)
    try:
        with tempfile.TemporaryDirectory(prefix="halo-bench-ingest-") as tmp:
            db = Path(tmp) / "bench.duckdb"
            before = 0
            if scenario.sync:
                from bench.dbt_build import prepare

                shutil.copyfile(prepare(scenario.matches).base, db)
                before = scenario.matches
            request = IngestRequest(
                players=[] if scenario.sync else [p.gamertag for p in spec.players],
                match_type="all", max_matches=None,
                spartan_token=DEFAULT_TOKEN, clearance=None, base_url=server.base_url, film=True,
                profiles=scenario.profiles, retry_failed=False, rate=RATE, profile_rate=PROFILE_RATE,
                concurrency=12, db_path=db, progress=False, http=HttpSettings(**scenario.http),
            )
            out, err = io.StringIO(), io.StringIO()
            started, started_epoch = time.perf_counter(), time.time()
            code = run_ingest(request, Console(file=out, width=200), Console(file=err, width=200))
            wall, ended_epoch = time.perf_counter() - started, time.time()
            import duckdb

            con = duckdb.connect(str(db), read_only=True)
            try:
                landed = con.execute("select count(*) from landing.match_stats").fetchone()[0] - before
            finally:
                con.close()
        records = server.requests()
    finally:
        server.stop()
    if code != 0:
        raise RuntimeError(f"ingest failed ({code}): {err.getvalue()[-2000:]}")
    found = budget(records, landed, scenario.players)
    achieved = landed / wall
    t0 = min(r["time"] for r in records)
    first_stats = min((r["time"] for r in records if r["endpoint"] == "stats"), default=t0)
    return {
        "scenario": scenario.name,
        "players": scenario.players,
        "matches": scenario.matches,
        "matches_landed": landed,
        "profiles": scenario.profiles,
        "pool_size": scenario.pool_size,
        "http": scenario.http,
        "wall_s": round(wall, 2),
        "server_span_s": round(max(r["time"] for r in records) - t0, 2),
        "matches_per_s": round(achieved, 3),
        "limit_matches_per_s": round(found["limit_matches_per_s"], 3),
        "of_limit": round(found["min_seconds"] / wall, 3),
        "vs_old_pipeline": round(achieved / OLD_PIPELINE_MATCHES_PER_S, 1),
        "throttled_429": sum(found["throttled_by_host"].values()),
        **{k: v for k, v in found.items() if k != "limit_matches_per_s"},
        "timeline_s": timeline(records, t0),
        "first_stats_request_s": round(first_stats - t0, 2),
        "before_first_request_s": round(t0 - started_epoch, 2),
        "after_last_request_s": round(ended_epoch - max(r["time"] for r in records), 2),
        "sync_on_warehouse_of": scenario.matches if scenario.sync else None,
        "summary": out.getvalue().strip().splitlines()[-6:],
    }


def timeline(records: list[dict[str, Any]], t0: float) -> dict[str, list[float]]:
    """Per endpoint: [first, last] request time in seconds after the run's first request."""
    spans: dict[str, list[float]] = {}
    for record in records:
        at = round(record["time"] - t0, 2)
        span = spans.setdefault(record["endpoint"], [at, at])
        span[0], span[1] = min(span[0], at), max(span[1], at)
    return dict(sorted(spans.items(), key=lambda kv: kv[1][0]))


# The standard runs, and a career with a realistic player pool: the fake career draws the other
# humans from a pool of ~matches/2 (so most profiles are known after a few dozen matches), a real
# career meets ~7 new humans a match (LevelUp: 8,600 xuids for ~1,300 matches).
SCENARIOS = (
    Scenario("1 player", 1, 300),
    Scenario("2 friends", 2, 300),
    Scenario("realistic pool", 1, 150, pool_size=12_000),
    Scenario("realistic pool, --profiles none", 1, 150, profiles="none", pool_size=12_000),
    Scenario("sync: 8 tracked players, 10k-match warehouse, 50 new", 8, 10_000, sync=True),
)


def run(scenarios: tuple[Scenario, ...] = SCENARIOS) -> dict[str, Any]:
    runs = []
    for scenario in scenarios:
        runs.append(run_scenario(scenario))
        r = runs[-1]
        print(f"ingest {r['scenario']}: {r['matches_per_s']} matches/s, {r['of_limit']:.0%} of the limit, "
              f"{r['throttled_429']} 429s", file=sys.stderr, flush=True)
    return {"machine": machine(), "rate_per_host": RATE, "profile_rate": PROFILE_RATE, "runs": runs}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--matches", type=int, default=None, help="one custom run instead of the standard ones")
    parser.add_argument("--players", type=int, default=1)
    parser.add_argument("--profiles", default="all")
    parser.add_argument("--pool-size", type=int, default=None)
    parser.add_argument("--http", default="{}", help="HttpSettings overrides as JSON")
    parser.add_argument("--save-as", default="ingest_throughput")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    if args.matches is None:
        result = run()
    else:
        scenario = Scenario("custom", args.players, args.matches, args.profiles, json.loads(args.http),
                            pool_size=args.pool_size)
        result = {"machine": machine(), "rate_per_host": RATE, "profile_rate": PROFILE_RATE,
                  "runs": [run_scenario(scenario)]}
        print(json.dumps(result["runs"][0], indent=2))
    if not args.no_save:
        write_result(args.save_as, result)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
