"""dbt's docs on the demo warehouse: `dbt docs generate` works (catalog of every mart, the static
page), and the report's exposure lists exactly the marts the report's queries read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.report.build import relations_read
from ingest.transform.dbt_runner import run_dbt

pytestmark = pytest.mark.dbt
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory, demo_warehouse) -> Path:
    import shutil

    work = tmp_path_factory.mktemp("docs")
    db = work / "demo.duckdb"
    shutil.copyfile(demo_warehouse.db, db)
    result = run_dbt(["docs", "generate", "--static"], db, target_path=work / "target", log_path=work / "logs")
    assert result.returncode == 0, result.output[-3000:]
    return work / "target"


def test_docs_generate_catalogues_every_mart(docs: Path) -> None:
    manifest = json.loads((docs / "manifest.json").read_text())
    catalog = json.loads((docs / "catalog.json").read_text())
    marts = {n["name"] for n in manifest["nodes"].values()
             if n["resource_type"] == "model" and n["name"].startswith(("dim_", "fct_"))}
    catalogued = {n["metadata"]["name"]: n for n in catalog["nodes"].values()}
    assert {"dim_matches", "fct_sessions", "fct_performance_scores"} <= marts <= set(catalogued)
    assert "session_id" in catalogued["fct_sessions"]["columns"]
    page = (docs / "static_index.html").read_text(encoding="utf-8")
    assert "halo_report" in page and len(page) > 100_000  # the page with the manifest and catalog inlined


def test_the_exposure_lists_what_the_report_reads(docs: Path) -> None:
    manifest = json.loads((docs / "manifest.json").read_text())
    built = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")}
    read = {relation.split(".", 1)[1] for relation in relations_read()}
    exposure = manifest["exposures"]["exposure.halo_warehouse.halo_report"]
    listed = {node.split(".")[-1] for node in exposure["depends_on"]["nodes"]}
    assert listed == read and read <= built  # every relation the report reads is built here
    # The YAML says the same (and is what a reader of the project sees).
    yaml_text = (ROOT / "models" / "_exposures.yml").read_text()
    assert set(re.findall(r"ref\('([a-z_0-9]+)'\)", yaml_text)) == listed
