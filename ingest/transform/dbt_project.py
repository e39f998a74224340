"""Where the dbt project is: the checkout this package runs from, or the copy inside the package.

A wheel carries the dbt project (dbt_project.yml, profiles.yml, models/, macros/, seeds/,
tests/dbt/, docs/; setup.py copies them at build time) under ``ingest/transform/dbt_project``, so that
``halo demo`` and ``halo build`` work from a non-editable install, from any directory. Running
from a checkout (editable install, tests), the checkout's own files are used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .. import SOURCE_ROOT
from ..errors import HaloError

# Where setup.py puts the project in a wheel (tests/test_installed_demo.py proves the two agree).
PACKAGED_ROOT = Path(__file__).resolve().parent / "dbt_project"


@dataclass(frozen=True)
class DbtProject:
    root: Path  # the directory holding dbt_project.yml and profiles.yml
    packaged: bool  # True: the copy inside an installed package (not a place to write)

    def target_path(self, db_path: Path) -> Path:
        """Where dbt writes target/ (run_results.json, compiled SQL) for builds of ``db_path``:
        dbt's own ``DBT_TARGET_PATH`` when set (e.g. one per test worker), else see _work_dir."""
        configured = os.environ.get("DBT_TARGET_PATH")
        return Path(configured) if configured else self._work_dir(db_path) / "target"

    def log_path(self, db_path: Path) -> Path | None:
        """Where dbt writes its logs: dbt's own ``DBT_LOG_PATH`` when set, else beside the
        warehouse for a packaged project and dbt's default (logs/ in the checkout) otherwise."""
        configured = os.environ.get("DBT_LOG_PATH")
        if configured:
            return Path(configured)
        return self._work_dir(db_path) / "logs" if self.packaged else None

    def _work_dir(self, db_path: Path) -> Path:
        if not self.packaged:
            return self.root
        # Beside the warehouse, per warehouse: an installed package is no place for build output.
        db = Path(db_path).resolve()
        return db.parent / f".{db.stem}-dbt"


def dbt_project() -> DbtProject:
    """The project to run: the checkout's when there is one, else the packaged copy."""
    if (SOURCE_ROOT / "dbt_project.yml").is_file():
        return DbtProject(SOURCE_ROOT, packaged=False)
    if (PACKAGED_ROOT / "dbt_project.yml").is_file():
        return DbtProject(PACKAGED_ROOT, packaged=True)
    raise HaloError(
        f"the dbt project is missing: neither {SOURCE_ROOT} nor {PACKAGED_ROOT} holds a "
        "dbt_project.yml (reinstall halo-warehouse)"
    )
