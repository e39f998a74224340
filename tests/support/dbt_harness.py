"""Real `dbt` invocations for the dbt tests, and what each one did, read from run_results.json.

``run_dbt(root, db, *args)`` runs the project's dbt (``ingest.transform.dbt_runner``, as ``halo build``
does) on the DuckDB file ``db``, with its target under ``root`` and its logs in ``root/logs``,
and returns a ``DbtRun``: exit code, output, wall time, the invocation id (which the incremental
marts store in their ``dbt_invocation_id`` column: dbt-duckdb reports no rows_affected, so that
column is how a test counts what a build wrote) and every node's result. ``query`` and
``execute`` open the file for one statement each.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ingest.transform.dbt_runner import dbt_command
from ingest.transform.dbt_runner import run_dbt as run_project_dbt


def node_name(unique_id: str) -> str:
    """A node's name: `model.pkg.NAME`, `test.pkg.NAME[.hash]`, `unit_test.pkg.model.NAME`."""
    parts = unique_id.split(".")
    return parts[-1] if parts[0] == "unit_test" else parts[2]


@dataclass
class DbtRun:
    returncode: int
    output: str
    wall_s: float
    invocation_id: str | None = None
    results: dict[str, dict] = field(default_factory=dict)  # unique_id -> its run_results entry

    def statuses(self, kind: str | None = None) -> dict[str, str]:
        """unique_id -> status, of every node or of one kind (model, test, unit_test, seed)."""
        return {
            uid: r["status"] for uid, r in self.results.items() if kind is None or uid.split(".")[0] == kind
        }

    def result_of(self, name: str) -> dict:
        """The one result of the node named ``name``, else of the one node whose name starts with
        it (generic test names are long and may end in a hash)."""
        found = [r for uid, r in self.results.items() if node_name(uid) == name]
        if not found:
            found = [r for uid, r in self.results.items() if node_name(uid).startswith(name)]
        assert len(found) == 1, (name, [r["unique_id"] for r in found])
        return found[0]

    def status_of(self, name: str) -> str:
        return self.result_of(name)["status"]

    def not_ok(self, allowed_warnings: Iterable[str] = (), *, any_warning: bool = False) -> dict[str, str]:
        """unique_id -> status of every node that neither succeeded nor passed, but for warnings of
        the tests named in ``allowed_warnings`` (or of any test, with ``any_warning``)."""
        allowed = set(allowed_warnings)
        return {
            uid: status
            for uid, status in self.statuses().items()
            if status not in ("success", "pass")
            and not (status == "warn" and (any_warning or node_name(uid) in allowed))
        }


def run_dbt(root: Path, db: Path, *args: str, target: str | None = None,
            project: Path | None = None) -> DbtRun:
    """``dbt <args>`` on ``db``; target ``root/<target>`` (default ``target_<db stem>``).

    ``project``: another copy of the dbt project to run (e.g. one with an edited seed); by
    default the checkout's, as ``halo build`` runs it."""
    target_path = root / (target or f"target_{db.stem}")
    results_file = target_path / "run_results.json"
    results_file.unlink(missing_ok=True)  # never read an earlier invocation's results
    started = time.perf_counter()
    if project is None:
        done = run_project_dbt(list(args), db, target_path=target_path, log_path=root / "logs")
        returncode, output = done.returncode, done.output
    else:
        command, env = dbt_command(list(args), db, target_path=target_path, log_path=root / "logs",
                                   project=project)
        completed = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True,
                                   check=False)
        returncode, output = completed.returncode, completed.stdout + completed.stderr
    run = DbtRun(returncode, output, time.perf_counter() - started)
    if results_file.exists():
        data = json.loads(results_file.read_text())
        run.invocation_id = data["metadata"]["invocation_id"]
        # Exposures (the report) run nothing: dbt lists them as no-op, not as results to check.
        run.results = {r["unique_id"]: r for r in data["results"] if not r["unique_id"].startswith("exposure.")}
    return run


def query(db: Path, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """The rows of one read-only query, as dicts."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def execute(db: Path, sql: str, params: list[Any] | None = None) -> None:
    """One write statement."""
    con = duckdb.connect(str(db))
    try:
        con.execute(sql, params or [])
    finally:
        con.close()
