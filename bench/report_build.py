"""``halo report`` on the demo warehouse and on a 10,000-match one: wall time, peak memory, size.

1. The demo: ``halo demo`` builds its warehouse (not timed); ``halo report`` is timed twice, the
   first run after clearing the Vega runtime cache (``cold``: vl-convert bundles the runtime, once
   per machine and version) and then as every later run goes (``warm``).
2. 10,000 matches, 8 tracked players: the synthetic landing of ``bench.dbt_build`` (cached under
   ``$HALO_BENCH_CACHE``, films for the newest 2,000 matches), ``dbt build --full-refresh``
   without tests (not timed), then ``halo report`` for every tracked player (warm), timed.

With ``--keep DIR`` the warehouses stay in DIR and a later run with the same DIR reuses them
(only the reports are timed again). Each ``halo report`` is a whole process (Python start-up and imports included), measured by
``bench.common.run_measured``. Goals: the demo ≤ 3 s; 10k ≤ 10 s and ≤ 5 MB.

Run: ``.venv/bin/python -m bench.report_build``; writes ``bench/results/report_build.json``.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import (
    ROOT,
    keep_or_temporary_main,
    machine,
    measured_dbt,
    run_measured,
)
from bench.dbt_build import prepare
from ingest.report.runtime import cache_file

HALO = ROOT / ".venv" / "bin" / "halo"
MATCHES = 10_000
GOALS = {"demo_s": 3.0, "scale_s": 10.0, "scale_mb": 5.0}


def timed_report(db: Path, out: Path, env: dict[str, str]) -> dict[str, Any]:
    measured = run_measured([str(HALO), "report", "--db", str(db), "--out", str(out)], env=env)
    if measured.returncode != 0:
        raise SystemExit(f"halo report failed ({measured.returncode}): {measured.stderr[-2000:]}")
    says = measured.stdout.strip().splitlines()[-1]
    inside = re.search(r" in ([\d.]+) s$", says)
    return {
        "wall_s": round(measured.wall_s, 2),
        "report_s": float(inside.group(1)) if inside else None,  # what the command itself reports
        "peak_rss_mb": round(measured.peak_rss_mb),
        "size_mb": round(out.stat().st_size / 1e6, 2),
        "says": says,
    }


def demo(work: Path, env: dict[str, str]) -> dict[str, Any]:
    db = work / "demo.duckdb"
    if not db.exists():  # a --keep directory keeps it for the next run
        built = run_measured([str(HALO), "demo", "--db", str(db)], env=env)
        if built.returncode != 0:
            raise SystemExit(f"halo demo failed: {built.stderr[-2000:]}")
    cache_file().unlink(missing_ok=True)
    cold = timed_report(db, work / "demo-cold.html", env)
    warm = timed_report(db, work / "demo-warm.html", env)
    return {"cold": cold, "warm": warm}


def at_scale(work: Path, env: dict[str, str]) -> dict[str, Any]:
    db = work / "scale.duckdb"
    built_s: float | str = "kept from an earlier run"
    if not db.exists():  # a --keep directory keeps it for the next run
        shutil.copyfile(prepare(MATCHES).base, db)
        # Seeds and models, no tests: the report needs the marts, not their checks.
        measured, _ = measured_dbt(["build", "--full-refresh", "--exclude-resource-type", "test",
                                    "--exclude-resource-type", "unit_test"], db, work / "target")
        if measured.returncode != 0:
            raise SystemExit(f"dbt build failed: {measured.stdout[-3000:]}")
        built_s = round(measured.wall_s, 1)
    load = round(os.getloadavg()[0], 2)
    result = timed_report(db, work / "scale.html", env)
    result["load_avg_before_report"] = load
    result["dbt_build_s"] = built_s
    result["matches"] = MATCHES - 50  # the newest 50 are held back by bench.dbt_build
    return result


def run(work: Path) -> dict[str, Any]:
    env = {**os.environ, "HALO_DEBUG": ""}
    result: dict[str, Any] = {"machine": machine(), "goals": GOALS, "load_avg_before": round(os.getloadavg()[0], 2)}
    result["demo"] = demo(work, env)
    print(f"demo: {result['demo']}", file=sys.stderr, flush=True)
    result["scale"] = at_scale(work, env)
    result["scale"]["load_avg_before"] = result["scale"].pop("load_avg_before_report")
    print(f"10k: {result['scale']}", file=sys.stderr, flush=True)
    return result


def measure() -> dict[str, Any]:
    """For ``bench.run_all``: the whole benchmark in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="bench_report_") as tmp:
        return run(Path(tmp))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    return keep_or_temporary_main("report_build", __doc__, run, argv, prefix="bench_report_")

if __name__ == "__main__":
    main(sys.argv[1:])
