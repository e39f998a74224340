"""Suite-wide set-up and fixtures shared across test modules.

dbt writes its target/ and logs/ in a directory of this test session. Tests that run ``halo build``
from the checkout would otherwise share the checkout's target/ (partial-parse state,
run_results.json) with each other and with the developer's own builds; with several pytest-xdist
workers that sharing is a race. dbt's own DBT_TARGET_PATH / DBT_LOG_PATH (honoured by
ingest.transform.dbt_project) give every worker its own.

The demo warehouse (``demo_warehouse``) is built once per test run, lazily (only the modules that
ask for it pay the ~40 s), with the report ``halo demo`` writes beside it; pytest-xdist workers
share it (the first to ask builds it under a file lock). Tests must not write to it: copy the file
first (``demo_copy``).
"""

from __future__ import annotations

import fcntl
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

_OWN_DIRS: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    work = tempfile.mkdtemp(prefix=f"halo-tests-dbt-{worker}-")
    _OWN_DIRS.append(work)
    os.environ["DBT_TARGET_PATH"] = os.path.join(work, "target")
    os.environ["DBT_LOG_PATH"] = os.path.join(work, "logs")


def pytest_unconfigure(config: pytest.Config) -> None:
    for work in _OWN_DIRS:
        shutil.rmtree(work, ignore_errors=True)


@dataclass(frozen=True)
class Demo:
    db: Path
    report: Path
    output: str  # what `halo demo` printed


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    from rich.console import Console

    from ingest.cli.demo_cmd import demo_report_path, run_demo

    # Under pytest-xdist each worker's base temp is a sub-directory of one run directory: share there.
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    work = shared / "demo-warehouse"
    work.mkdir(exist_ok=True)
    db, printed = work / "demo.duckdb", work / "halo-demo-output.txt"
    with (work / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes; a waiting worker then reuses
        if not printed.exists():
            out, err = io.StringIO(), io.StringIO()
            code = run_demo(db, Console(file=out, width=300), Console(file=err, width=300))
            assert code == 0, err.getvalue()[-3000:]
            printed.write_text(out.getvalue(), encoding="utf-8")
    return Demo(db, demo_report_path(db), printed.read_text(encoding="utf-8"))


@pytest.fixture
def demo_copy(demo_warehouse: Demo, tmp_path: Path) -> Path:
    copy = tmp_path / "copy" / "demo.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(demo_warehouse.db, copy)
    return copy
