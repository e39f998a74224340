"""Fixtures shared across test modules: the demo warehouse, built once per session (lazily: only
the modules that ask for it pay the ~40 s), with the report ``halo demo`` writes beside it.
Tests must not write to it: copy the file first (``demo_copy``)."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console


@dataclass(frozen=True)
class Demo:
    db: Path
    report: Path
    output: str  # what `halo demo` printed


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    from ingest.cli.demo_cmd import demo_report_path, run_demo

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    out, err = io.StringIO(), io.StringIO()
    code = run_demo(db, Console(file=out, width=300), Console(file=err, width=300))
    assert code == 0, err.getvalue()[-3000:]
    return Demo(db, demo_report_path(db), out.getvalue())


@pytest.fixture
def demo_copy(demo_warehouse: Demo, tmp_path: Path) -> Path:
    copy = tmp_path / "copy" / "demo.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(demo_warehouse.db, copy)
    return copy
