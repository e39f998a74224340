"""``make bench``: every benchmark in turn (about 15 minutes on 2 cores; less once the synthetic
warehouses are cached), results in bench/results/*.json, tables regenerated in BENCHMARKS.md.

Benchmarks share the machine with nothing else: run them on an idle machine (the load average
before each is recorded next to its figures). ``--only NAME,...`` runs a subset.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import (
    dbt_build,
    fault_soak,
    film_model,
    ingest_throughput,
    landing_write,
    pacing_precision,
    report,
    report_build,
)
from bench.common import PYTHON, ROOT, write_result


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _external(script: str) -> Callable[[], None]:
    """The film decoder and performance score benchmarks write their own JSON."""

    def run() -> None:
        subprocess.run([str(PYTHON), str(ROOT / "bench" / script)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)

    return run


def _ours(name: str, produce: Callable[[], dict[str, Any]]) -> Callable[[], None]:
    def run() -> None:
        load = _load()
        result = produce()
        result["load_avg_before"] = load
        write_result(name, result)

    return run


BENCHES: dict[str, Callable[[], None]] = {
    "pacing_precision": _ours("pacing_precision", pacing_precision.run),
    "landing_write": _ours("landing_write", landing_write.run),
    "ingest_throughput": _ours("ingest_throughput", ingest_throughput.run),
    "dbt_build": _ours("dbt_build", dbt_build.run),
    "dbt_sync": _ours("dbt_sync", lambda: dbt_build.run_sync(dbt_build.SYNC_SIZES)),
    "fault_soak": _ours("fault_soak", fault_soak.run),
    "film_decode": _external("film_decode.py"),
    "film_ratio": _ours("film_ratio", lambda: film_model.main(["--ratio"])),
    "performance_score": _external("performance_score.py"),
    "report_build": _ours("report_build", report_build.measure),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default=",".join(BENCHES), help=f"subset of {', '.join(BENCHES)}")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(BENCHES)
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(BENCHES)}")
    started = time.perf_counter()
    for name in chosen:
        began = time.perf_counter()
        print(f"bench: {name} (load average {_load()}) …", file=sys.stderr, flush=True)
        BENCHES[name]()
        print(f"bench: {name} done in {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    report.main()
    print(f"bench: all done in {time.perf_counter() - started:.0f} s; tables in BENCHMARKS.md", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
