"""Shared benchmark helpers: where results go, machine facts, timing and peak-memory probes."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "bench" / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"


def machine() -> dict[str, Any]:
    import duckdb
    import polars

    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "duckdb": duckdb.__version__,
        "polars": polars.__version__,
        "machine": platform.machine(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_result(name: str, data: dict[str, Any]) -> Path:
    """``bench/results/<name>.json``, written atomically (a killed run never leaves half a file)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    tmp.replace(path)
    return path


def read_result(name: str) -> dict[str, Any] | None:
    path = RESULTS_DIR / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


TIME_BIN = Path("/usr/bin/time")


@dataclass
class Measured:
    returncode: int
    wall_s: float
    peak_rss_mb: float  # /usr/bin/time's maximum RSS (largest process), else the sampled tree peak
    sampled_tree_rss_mb: float  # sum over the process tree, polled
    stdout: str
    stderr: str


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants (from /proc; no psutil here)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # the process ended between two reads
        pending += [int(c) for c in children]
    return total


def run_measured(
    command: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path = ROOT, poll_s: float = 0.05
) -> Measured:
    """Run ``command``; wall time and peak memory (``/usr/bin/time -v`` when present, plus the
    process tree's resident set polled every ``poll_s`` from /proc)."""
    import tempfile

    handle, time_name = tempfile.mkstemp(prefix="halo-bench-time-", suffix=".txt")
    os.close(handle)
    prefix = [str(TIME_BIN), "-v", "-o", time_name] if TIME_BIN.exists() else []
    started = time.perf_counter()
    process = subprocess.Popen(
        prefix + list(command), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    stop = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            stop.wait(poll_s)

    sampler = threading.Thread(target=poll, daemon=True)
    sampler.start()
    try:
        out, err = process.communicate()
    finally:
        stop.set()
        sampler.join()
    wall = time.perf_counter() - started
    max_rss_kb = None
    report = Path(time_name)
    for line in report.read_text().splitlines():
        if "Maximum resident set size" in line:
            max_rss_kb = int(line.rsplit(":", 1)[1])
    report.unlink(missing_ok=True)
    peak_mb = (max_rss_kb if max_rss_kb is not None else peak) / 1024
    return Measured(process.returncode, wall, peak_mb, peak / 1024, out, err)


def measured_dbt(
    args: list[str], db: Path, target: Path, *, log_path: Path | None = None, project: Path = ROOT
) -> tuple[Measured, dict[str, Any] | None]:
    """``dbt <args>`` on ``db`` under ``run_measured``, and its run_results.json (None when dbt wrote
    none). The target directory is kept between calls (partial parsing, as for a user's repeated
    builds); only the previous call's results go."""
    from ingest.transform.dbt_runner import dbt_command

    results_file = target / "run_results.json"
    results_file.unlink(missing_ok=True)
    command, env = dbt_command(args, db, target_path=target, log_path=log_path or target / "logs", project=project)
    measured = run_measured(command, env=env, cwd=project)
    return measured, json.loads(results_file.read_text()) if results_file.exists() else None


def rows_written(db: Path, invocation_id: str, tables: dict[str, str]) -> dict[str, int]:
    """Per name, the rows of its table (``schema.table``) stamped with ``invocation_id``."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            name: con.execute(f"select count(*) from {table} where dbt_invocation_id = ?",
                              [invocation_id]).fetchone()[0]
            for name, table in tables.items()
        }
    finally:
        con.close()


def keep_or_temporary_main(
    name: str, doc: str | None, run: Any, argv: list[str] | None, *, prefix: str
) -> dict[str, Any]:
    """The command line of a benchmark that works in a directory: ``--keep DIR`` (work there and
    keep what it builds) or a temporary one; prints the result and, unless ``--no-save``, writes
    ``bench/results/<name>.json``."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--keep", type=Path, help="work in this directory and keep what it builds")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = run(args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            result = run(Path(tmp))
    print(json.dumps(result, indent=2, default=str))
    if not args.no_save:
        write_result(name, result)
    return result

