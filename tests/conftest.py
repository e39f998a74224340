"""Suite-wide set-up: dbt writes its target/ and logs/ in a directory of this test session.

Tests that run ``halo build`` from the checkout would otherwise share the checkout's target/
(partial-parse state, run_results.json) with each other and with the developer's own builds; with
several pytest-xdist workers that sharing is a race. dbt's own DBT_TARGET_PATH / DBT_LOG_PATH
(honoured by ingest.transform.dbt_project) give every worker its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile

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
