"""The dbt project's layout rules (models/README.md), checked on the parsed project.

One `dbt parse` gives the manifest: every model's folder, name, schema and what it refs. The
rules: only staging reads sources and staging reads nothing else; the folders are the DAG (a
model refs only its own folder and the folders above it); `int_` models read no mart and no
`prep_` model; names say the layer; config has one home (no config() in SQL, no dbt.config() in
Python models); marts list their columns in a final CTE; singular tests are named assert_*;
every model and macro is documented; nothing points to a document outside the repository.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.dbt_harness import run_dbt
except ModuleNotFoundError:  # tests/ is a package: the project root is on sys.path
    from tests.support.dbt_harness import run_dbt

pytestmark = pytest.mark.dbt

ROOT = Path(__file__).resolve().parents[1]
# The folders in DAG order: a model may ref models of its own folder or of an earlier one.
FOLDER_ORDER = (
    "staging/halo",
    "film/decode",
    "core/intermediate",
    "core",
    "film/prep",
    "film",
    "player/prep",
    "player",
    "competitive/prep",
    "competitive",
    "monitoring",
)
# folder -> (name pattern, schema)
FOLDER_KIND = {
    "staging/halo": (r"stg_halo__[a-z0-9_]+", "staging"),
    "film/decode": (r"int_film_[a-z0-9_]+", "intermediate"),
    "core/intermediate": (r"int_[a-z0-9_]+", "intermediate"),
    "core": (r"(dim|fct)_[a-z0-9_]+", "main"),
    "film/prep": (r"prep_film_[a-z0-9_]+", "intermediate"),
    "film": (r"fct_[a-z0-9_]+", "main"),
    "player/prep": (r"prep_player_[a-z0-9_]+", "intermediate"),
    "player": (r"fct_[a-z0-9_]+", "main"),
    "competitive/prep": (r"prep_competitive_[a-z0-9_]+", "intermediate"),
    "competitive": (r"fct_[a-z0-9_]+", "main"),
    "monitoring": (r"fct_[a-z0-9_]+", "main"),
}
OUTSIDE_DOCUMENTS = re.compile(r"§|levelup_domain|halo_api\.md|backfill_review|dbt_duckdb_notes|\.\./shared|shared/reference")


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("dbt_parse")
    run = run_dbt(root, root / "parse.duckdb", "parse", target="target")
    assert run.returncode == 0, run.output[-3000:]
    return json.loads((root / "target" / "manifest.json").read_text())


def models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def folder_of(node: dict[str, Any]) -> str:
    return str(Path(node["original_file_path"]).parent.relative_to("models"))


def model_parents(node: dict[str, Any], manifest: dict[str, Any]) -> list[str]:
    return [manifest["nodes"][uid]["name"] for uid in node["depends_on"]["nodes"] if uid.startswith("model.")]


def test_every_model_sits_in_a_known_folder_under_its_layer_name_and_schema(manifest: dict[str, Any]) -> None:
    wrong = {}
    for name, node in models(manifest).items():
        folder = folder_of(node)
        if folder not in FOLDER_KIND:
            wrong[name] = f"unknown folder {folder}"
            continue
        pattern, schema = FOLDER_KIND[folder]
        if not re.fullmatch(pattern, name) or node["schema"] != schema:
            wrong[name] = f"{folder}: name {name}, schema {node['schema']}"
    assert wrong == {}
    assert len(models(manifest)) >= 40


def test_only_staging_reads_sources_and_staging_reads_nothing_else(manifest: dict[str, Any]) -> None:
    readers, impure = set(), set()
    for name, node in models(manifest).items():
        depends = node["depends_on"]["nodes"]
        if any(uid.startswith("source.") for uid in depends):
            readers.add(name)
        if folder_of(node) == "staging/halo" and any(not uid.startswith("source.") for uid in depends):
            impure.add(name)
    staging = {n for n, node in models(manifest).items() if folder_of(node) == "staging/halo"}
    assert readers == staging
    assert impure == set()


def test_folders_are_the_dag(manifest: dict[str, Any]) -> None:
    all_models = models(manifest)
    upward = []
    for name, node in all_models.items():
        rank = FOLDER_ORDER.index(folder_of(node))
        for parent in model_parents(node, manifest):
            parent_folder = folder_of(all_models[parent])
            if FOLDER_ORDER.index(parent_folder) > rank:
                upward.append(f"{name} ({folder_of(node)}) refs {parent} ({parent_folder})")
    assert upward == []


def test_int_models_read_no_mart_and_no_prep_model(manifest: dict[str, Any]) -> None:
    offending = {
        name: [p for p in model_parents(node, manifest) if p.startswith(("dim_", "fct_", "prep_"))]
        for name, node in models(manifest).items()
        if name.startswith("int_")
    }
    assert {name: parents for name, parents in offending.items() if parents} == {}
    # and the prep_ models are what their prefix says: each reads at least one mart
    prep_without_marts = [
        name for name, node in models(manifest).items()
        if name.startswith("prep_") and not any(p.startswith(("dim_", "fct_")) for p in model_parents(node, manifest))
    ]
    assert prep_without_marts == []


def test_config_has_one_home(manifest: dict[str, Any]) -> None:
    in_code = []
    for node in models(manifest).values():
        code = (ROOT / node["original_file_path"]).read_text()
        if re.search(r"\{\{-?\s*config\(", code) or "dbt.config(" in code:
            in_code.append(node["original_file_path"])
    in_code += [str(path.relative_to(ROOT)) for path in (ROOT / "tests" / "dbt").glob("*.sql")
                if re.search(r"\{\{-?\s*config\(", path.read_text())]
    assert in_code == []
    incremental = {n for n, node in models(manifest).items() if node["config"]["materialized"] == "incremental"}
    assert {"dim_matches", "fct_match_players", "int_film_chunk_decodes", "fct_performance_scores",
            "stg_halo__match_stats"} <= incremental


def test_marts_list_their_columns_in_a_final_cte(manifest: dict[str, Any]) -> None:
    unlisted = []
    for name, node in models(manifest).items():
        if node["schema"] != "main" or node["language"] != "sql":
            continue
        sql = (ROOT / node["original_file_path"]).read_text()
        final = re.search(r"\nfinal as \((.*?)\n\)\n\nselect \* from final\n?$", sql, re.S)
        if final is None or re.search(r"select\s+\*|\w\.\*", final.group(1)):
            unlisted.append(name)
    assert unlisted == []


def test_singular_tests_are_named_assert_and_described(manifest: dict[str, Any]) -> None:
    singular = [n for n in manifest["nodes"].values()
                if n["resource_type"] == "test" and n["original_file_path"].startswith("tests/dbt/")]
    assert len(singular) >= 20
    assert [n["name"] for n in singular if not n["name"].startswith("assert_")] == []
    assert [n["name"] for n in singular if not n["description"]] == []


def test_every_model_and_macro_is_documented(manifest: dict[str, Any]) -> None:
    assert [n for n, node in models(manifest).items() if not node["description"].strip()] == []
    project_macros = [m for m in manifest["macros"].values() if m["package_name"] == "halo_warehouse"]
    assert len(project_macros) >= 30
    assert [m["name"] for m in project_macros if not m["description"].strip()] == []
    rendered = manifest["nodes"]["model.halo_warehouse.dim_matches"]["columns"]["end_time"]["description"]
    assert rendered.startswith("end_time = MatchInfo.EndTime when present")  # a doc block, rendered


def test_nothing_points_to_a_document_outside_the_repository() -> None:
    files = [p for folder in ("models", "macros", "seeds", "tests/dbt", "docs")
             for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in (".sql", ".py", ".yml", ".md", ".csv")]
    files += [ROOT / "dbt_project.yml"]
    assert [str(p.relative_to(ROOT)) for p in files if OUTSIDE_DOCUMENTS.search(p.read_text())] == []
