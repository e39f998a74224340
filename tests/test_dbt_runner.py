"""ingest.transform.dbt_runner.sync_build_args: what `halo build` adds to the user's dbt arguments."""

from __future__ import annotations

from ingest.transform.dbt_runner import sync_build_args


def test_a_sync_build_skips_unit_tests_by_default() -> None:
    assert sync_build_args([]) == ["--exclude-resource-type", "unit_test"]
    assert sync_build_args(["-s", "dim_matches+"]) == ["-s", "dim_matches+", "--exclude-resource-type", "unit_test"]


def test_unit_tests_on_request_and_the_users_own_resource_types_win() -> None:
    assert sync_build_args(["-s", "x"], unit_tests=True) == ["-s", "x"]
    assert sync_build_args(["--resource-type", "model"]) == ["--resource-type", "model"]
    assert sync_build_args(["--exclude-resource-type=test"]) == ["--exclude-resource-type=test"]
