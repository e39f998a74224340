"""Running the project's dbt (same interpreter) against a given warehouse file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .dbt_project import dbt_project

# dbt's own entry point, for an interpreter with no `dbt` script beside it (e.g. a venv that
# reaches dbt through a .pth path): dbt must run in *this* interpreter, whose `analytics` the
# dbt Python models import.
_DBT_MAIN = "import sys; from dbt.cli.main import cli; sys.exit(cli())"


@dataclass
class DbtResult:
    returncode: int
    elapsed_s: float | None
    statuses: Counter[str] = field(default_factory=Counter)  # e.g. model:success, test:pass
    failures: list[str] = field(default_factory=list)
    output: str = ""


def dbt_executable() -> list[str]:
    """The command that starts dbt: the `dbt` script beside this interpreter, else the module."""
    candidate = Path(sys.executable).with_name("dbt")
    return [str(candidate)] if candidate.exists() else [sys.executable, "-c", _DBT_MAIN]


def dbt_command(
    args: list[str],
    db_path: Path,
    *,
    target_path: Path | None = None,
    log_path: Path | None = None,
    project: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of ``dbt <args>`` on ``db_path`` (run it from ``project``,
    by default the project of ``dbt_project()``)."""
    project = project or dbt_project().root
    env = {
        **os.environ,
        "HALO_DB": str(Path(db_path).resolve()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **(extra_env or {}),
    }
    command = [*dbt_executable(), *args, "--project-dir", str(project), "--profiles-dir", str(project)]
    if target_path is not None:
        command += ["--target-path", str(target_path)]
    if log_path is not None:
        command += ["--log-path", str(log_path)]
    return command, env


def run_dbt(
    args: list[str],
    db_path: Path,
    *,
    target_path: Path | None = None,
    log_path: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> DbtResult:
    """Run ``dbt <args>`` on ``db_path``; results are read from ``run_results.json``."""
    project = dbt_project()
    target = target_path or project.target_path(db_path)
    log_path = log_path or project.log_path(db_path)
    command, env = dbt_command(
        args, db_path, target_path=target, log_path=log_path, project=project.root, extra_env=extra_env
    )
    completed = subprocess.run(command, cwd=project.root, env=env, capture_output=True, text=True, check=False)
    result = DbtResult(completed.returncode, None, output=completed.stdout + completed.stderr)
    results_file = target / "run_results.json"
    if results_file.exists():
        data = json.loads(results_file.read_text())
        result.elapsed_s = data.get("elapsed_time")
        for item in data.get("results", []):
            kind = item["unique_id"].split(".")[0]
            if kind == "exposure":
                continue  # runs nothing (dbt says no-op): the report reading the marts
            result.statuses[f"{kind}:{item['status']}"] += 1
            if item["status"] in ("error", "fail"):
                result.failures.append(f"{item['unique_id']}: {item.get('message') or item['status']}")
    return result


# A sync's `dbt build` skips dbt unit tests: they check the SQL on fixed inputs, not the data, so
# they belong to `make test` (which runs them on every build it makes), not to every refresh.
SYNC_BUILD_ARGS = ("--exclude-resource-type", "unit_test")


def sync_build_args(extra_args: list[str], *, unit_tests: bool = False) -> list[str]:
    """The arguments of a sync's ``dbt build``: the user's, plus SYNC_BUILD_ARGS unless unit tests
    are wanted or the user chose resource types themselves."""
    chooses_types = any(a.split("=")[0] in ("--resource-type", "--exclude-resource-type") for a in extra_args)
    return [*extra_args] if unit_tests or chooses_types else [*extra_args, *SYNC_BUILD_ARGS]


def dbt_build_streaming(db_path: Path, extra_args: list[str]) -> int:
    """``dbt build`` with its output going straight to the terminal; returns dbt's exit code."""
    project = dbt_project()
    target = project.target_path(db_path) if project.packaged else None
    command, env = dbt_command(
        ["build", *extra_args], db_path, target_path=target, log_path=project.log_path(db_path),
        project=project.root,
    )
    return subprocess.run(command, cwd=project.root, env=env, check=False).returncode
