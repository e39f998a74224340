"""No gap waits forever: a retryable failure that lasts long enough (runs AND days of recorded
attempts) becomes 'stuck' in landing.match_payload_status, which `halo status` reports with a
hint (and which fails the dbt build: test_dbt_models.py::test_a_stuck_gap_fails_the_build).

Attempts are written with their recorded times: no test sleeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support.fixture_warehouse import (
    RESPONSES,
    TRACKED_GAMERTAG,
    TRACKED_XUID,
    add_tracked_player,
    landing_writer,
    load_json,
)
from support.ingest_harness import halo_cli, query

from ingest.store.warehouse import open_warehouse
from ingest.store.writer import LandingWriter, upsert_rows

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
HISTORY = load_json(RESPONSES / "get_match_history.json")["Results"]
MATCH = {name: HISTORY[i]["MatchId"] for i, name in enumerate(["stuck", "short", "few", "landed", "gone"])}


def attempts(writer: LandingWriter, match_id: str, runs: list[tuple[str, timedelta]], *, http_status: int = 500,
             outcome: str = "failed", terminal: bool = False) -> None:
    """Failed fetches of ``match_id``'s stats, one per (run id, time after T0), as recorded."""
    rows = [("match_stats", match_id, T0 + at, http_status, "injected", 1, outcome, terminal, run_id)
            for run_id, at in runs]
    upsert_rows(writer.con, "fetch_attempts", rows)


def runs(n: int, span: timedelta, prefix: str = "r") -> list[tuple[str, timedelta]]:
    """``n`` runs, evenly spread over ``span`` (first at T0, last at T0 + span)."""
    return [(f"{prefix}{i}", span * i / (n - 1)) for i in range(n)]


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "halo.duckdb"
    with landing_writer(path) as writer:
        for item in HISTORY[:5]:
            writer.history_item(TRACKED_XUID, item["MatchId"], item)
        attempts(writer, MATCH["stuck"], runs(5, timedelta(days=3)))  # both thresholds, exactly
        attempts(writer, MATCH["short"], runs(5, timedelta(days=3) - timedelta(minutes=1)))
        # Five rows but four runs (one run recorded the fetch twice), over ten days.
        attempts(writer, MATCH["few"], [*runs(4, timedelta(days=10)), ("r3", timedelta(days=10))])
        attempts(writer, MATCH["landed"], runs(6, timedelta(days=4)))
        writer.match_stats(MATCH["landed"], '{"MatchId": "x", "Players": []}')
        attempts(writer, MATCH["gone"], runs(5, timedelta(days=3)))
        attempts(writer, MATCH["gone"], [("r9", timedelta(days=4))], http_status=404, outcome="not_found", terminal=True)
    add_tracked_player(path, TRACKED_XUID, TRACKED_GAMERTAG)
    return path


def verdicts(db: Path) -> dict[str, tuple[str, str | None]]:
    rows = query(db, "select match_id, completeness, reason from landing.match_payload_status where endpoint = 'match_stats'")
    by_id = {match_id: (completeness, reason) for match_id, completeness, reason in rows}
    return {name: by_id[match_id] for name, match_id in MATCH.items()}


def test_both_sides_of_the_default_thresholds(db: Path) -> None:
    assert verdicts(db) == {
        "stuck": ("stuck", "HTTP 500 in 5 runs since 2025-03-01"),
        "short": ("retrying", "HTTP 500"),  # 5 runs, a minute short of 3 days
        "few": ("retrying", "HTTP 500"),  # 10 days, 4 runs
        "landed": ("complete", None),
        "gone": ("explained", "HTTP 404"),  # terminal: explained, never stuck
    }


def test_the_thresholds_come_from_the_environment(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_STUCK_AFTER_RUNS", "4")
    open_warehouse(db).close()  # a writable open rewrites the view with the rule in force
    assert {k: v[0] for k, v in verdicts(db).items()} == {
        "stuck": "stuck", "short": "retrying", "few": "stuck", "landed": "complete", "gone": "explained",
    }
    monkeypatch.setenv("HALO_STUCK_AFTER_DAYS", "2")
    open_warehouse(db).close()
    assert verdicts(db)["short"][0] == "stuck"


def test_halo_status_marks_stuck_gaps_with_their_last_error_and_a_hint(db: Path) -> None:
    result = halo_cli(["status"], {"HALO_DB": str(db)})
    assert result.code == 0, result.err
    header = next(line for line in result.out.splitlines() if "to fetch" in line)
    assert "stuck" in header
    stats_row = next(line for line in result.out.splitlines() if "match stats" in line)
    cells = [c.strip() for c in stats_row.split("│") if c.strip()]
    # listed 5, complete 1, to fetch 3 (stuck ones are still retried), stuck 1, explained 1
    assert cells[:7] == [TRACKED_GAMERTAG, "match stats", "5", "1", "3", "1", "1"], cells
    assert (
        f"stuck: 1 match stats of {TRACKED_GAMERTAG} (HTTP 500, last on 2025-03-04 12:00 UTC): the service "
        "keeps failing on these: `halo ingest` retries them every run; if they never land, the data may be "
        "gone on the service's side"
    ) in result.out


@pytest.mark.parametrize("value", ["0", "-1", "three", "2.5"])
def test_a_bad_threshold_is_one_line_before_anything_is_written(tmp_path: Path, value: str) -> None:
    env = {"HALO_DB": str(tmp_path / "w" / "halo.duckdb"), "HALO_SPARTAN_TOKEN": "demo-spartan-token",
           "HALO_API_BASE_URL": "http://127.0.0.1:9", "HALO_STUCK_AFTER_DAYS": value}
    result = halo_cli(["ingest", "--player", "2533274900000042"], env)
    assert result.code == 2
    assert result.err == f"error: HALO_STUCK_AFTER_DAYS must be a whole number of at least 1, not {value!r}\n"
    assert not (tmp_path / "w").exists()
