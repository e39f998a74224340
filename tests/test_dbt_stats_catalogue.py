"""The stats catalogue's YAML docs match the catalogue (the macro halo_stats_fields()).

The generator and this test read the same home, macros/halo_payload_specs.sql; the YAML regions it
writes are checked here line for line, and against the real columns of the built marts in
test_dbt_models.py (every mart column documented, none documented that does not exist).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

try:  # tests/ on sys.path (no tests/__init__.py)
    from support import stats_catalogue
except ModuleNotFoundError:  # tests/ is a package: the project root is on sys.path
    from tests.support import stats_catalogue

MODE_PREFIXES = {
    "CoreStats": "", "PvpStats": "pvp_", "PveStats": "pve_", "CaptureTheFlagStats": "ctf_",
    "OddballStats": "oddball_", "ZonesStats": "zones_", "EliminationStats": "elimination_",
    "ExtractionStats": "extraction_", "InfectionStats": "infection_", "StockpileStats": "stockpile_",
    "VipStats": "vip_", "BombStats": "bomb_",
}


def test_the_yaml_regions_are_what_the_catalogue_generates() -> None:
    stale = stats_catalogue.stale_files()
    assert not stale, (
        f"out of date: {sorted(str(p) for p in stale)}; run `python -m tests.support.stats_catalogue --write`"
    )


def test_the_catalogue_reads_as_its_naming_rules_say() -> None:
    fields = stats_catalogue.catalogue()
    assert len(fields) == 121  # 114 carried past staging (sum or max) + 7 kept in staging only
    assert len(stats_catalogue.fields_of("player_totals", fields)) == 114
    by_column = {f.column: f for f in fields}
    kills = by_column["kills"]
    assert (kills.block, kills.key, kills.kind, kills.agg) == ("CoreStats", "Kills", "int", "sum")
    assert by_column["max_killing_spree"].agg == "max"
    assert {f.column for f in fields if f.agg == "none"} == {
        "api_kda", "api_avg_life_seconds", "api_accuracy", "deprecated_damage_dealt", "deprecated_damage_taken",
        "pvp_api_kda", "pve_api_kda",
    }
    for field in fields:
        assert field.block in MODE_PREFIXES, field
        assert field.column.startswith(MODE_PREFIXES[field.block]), field
        assert field.column.endswith("_seconds") == (field.kind == "duration"), field


def test_each_model_documents_each_catalogue_column_once() -> None:
    fields = stats_catalogue.catalogue()
    for variant, (path, model) in stats_catalogue.REGIONS.items():
        [node] = [m for m in yaml.safe_load(path.read_text())["models"] if m["name"] == model]
        names = [c["name"] for c in node["columns"]]
        assert len(names) == len(set(names)), (model, sorted({n for n in names if names.count(n) > 1}))
        assert {f.column for f in stats_catalogue.fields_of(variant, fields)} <= set(names), model


def test_a_changed_catalogue_or_an_edited_region_is_caught_and_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    core_yaml = tmp_path / "_core__models.yml"
    shutil.copy(stats_catalogue.REGIONS["player_totals"][0], core_yaml)
    monkeypatch.setattr(stats_catalogue, "REGIONS", {"player_totals": (core_yaml, "fct_match_players")})
    fields = stats_catalogue.catalogue()
    assert stats_catalogue.stale_files(fields) == {}

    # A hand edit inside the generated region is undone.
    edited = core_yaml.read_text().replace("Stats.CoreStats.GrenadeKills summed", "Grenade kills summed")
    core_yaml.write_text(edited)
    assert list(stats_catalogue.stale_files(fields)) == [core_yaml]

    # A new catalogue field appears in the region, after the others.
    new = stats_catalogue.StatsField("CoreStats", "Teabags", "teabags", "int", "sum")
    [text] = stats_catalogue.stale_files([*fields, new]).values()
    assert ('      - name: teabags\n        data_type: BIGINT\n'
            '        description: "Stats.CoreStats.Teabags summed over') in text  # its contract type too
    assert text.index("name: teabags") > text.index("name: grenade_kills")
    assert "Grenade kills summed" not in text
