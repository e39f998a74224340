"""Packaging hook (metadata is in pyproject.toml): a wheel carries the dbt project.

``halo demo`` and ``halo build`` run dbt on the project's models, macros, seeds and data tests. A
checkout has them at its root; an installed wheel has no checkout, so ``build_py`` copies them into
``ingest/transform/dbt_project`` (where ``ingest.transform.dbt_project`` finds them). Editable
installs skip the copy: they run from the checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Directories that do not exist are skipped; tests/test_installed_demo.py checks that the wheel holds
# every path dbt_project.yml names.
PROJECT_FILES = ("dbt_project.yml", "profiles.yml")
PROJECT_DIRS = ("models", "macros", "seeds", "tests/dbt", "analyses", "snapshots", "docs")
PACKAGED = Path("ingest", "transform", "dbt_project")  # ingest.transform.dbt_project.PACKAGED_ROOT


class BuildPyWithDbtProject(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / PACKAGED
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name in PROJECT_FILES:
            shutil.copy2(ROOT / name, target / name)
        for name in PROJECT_DIRS:
            if (ROOT / name).is_dir():
                shutil.copytree(
                    ROOT / name, target / name,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store"),
                )


setup(cmdclass={"build_py": BuildPyWithDbtProject})
