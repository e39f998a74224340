"""The fake Halo API in its own process, for the ingest benchmark.

A server in the benchmark's own process would share the GIL with the ingester it measures (payload
rendering is Python), so the client's pacing would be timed against its own server's work. Run as
``python -m bench.fake_server --players 1 --matches 300``; prints ``READY <base url>`` on stdout,
then serves until stdin closes or SIGTERM arrives. ``--add M`` serves the career plus the next M
matches of its continuation: what a sync finds on top of ``python -m bench.synth --matches N``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import threading

from bench.career_growth import continue_career
from fake_halo import Career, CareerSpec, FakeHaloApi, FaultConfig, RateLimit, running


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--players", type=int, default=1)
    parser.add_argument("--matches", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--latency-ms", type=float, default=80.0)
    parser.add_argument("--jitter-ms", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=5.0, help="server-side req/s per host (0: none)")
    parser.add_argument("--burst", type=int, default=2)
    parser.add_argument("--pool-size", type=int, default=None, help="non-tracked humans (default: the spec's)")
    parser.add_argument("--add", type=int, default=0, help="also serve the career's next M matches")
    args = parser.parse_args(argv)
    limit = RateLimit(args.rate, burst=args.burst, retry_after=True) if args.rate > 0 else None
    faults = FaultConfig(latency_ms=args.latency_ms, jitter_ms=args.jitter_ms, rate_limit=limit, seed=1)
    spec = CareerSpec.scale(args.players, args.matches, args.seed)
    if args.pool_size is not None:
        spec = dataclasses.replace(spec, pool_size=args.pool_size)
    career = Career(spec)
    continue_career(career, args.add)
    api = FakeHaloApi(career, faults=faults)
    with running(api) as server:
        print(f"READY {server.base_url}", flush=True)
        done = threading.Event()
        # The parent closes our stdin to stop us (or terminates us: the daemon thread dies with us).
        threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
        done.wait()


if __name__ == "__main__":
    main()
