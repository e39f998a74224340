"""The ingester against the fake Halo API over real HTTP on loopback, into a real DuckDB file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from support.ingest_harness import (
    DEMO_FRIEND,
    DEMO_MAIN,
    fast_http,
    halo_cli,
    ingest_once,
    query,
    scalar,
)

from fake_halo import (
    Career,
    CareerSpec,
    FakeHaloApi,
    FaultConfig,
    FaultRule,
    RunningServer,
    running,
)


@pytest.fixture()
def server() -> Iterator[RunningServer]:
    with running(FakeHaloApi(Career(CareerSpec.demo()))) as handle:
        yield handle


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "halo.duckdb"


def career_ids(server: RunningServer, xuid: str, kind: str = "all") -> set[str]:
    return {m.match_id for m in server.api.career.history(int(xuid), kind)}


def test_first_run_lands_every_match_exactly_once(server: RunningServer, db: Path) -> None:
    result = ingest_once(server, db)
    assert result.code == 0, result.err
    expected = career_ids(server, DEMO_MAIN)
    matchmade = career_ids(server, DEMO_MAIN, "matchmaking")
    with_film = {m.match_id for m in server.api.career.history(int(DEMO_MAIN)) if m.film}
    assert len(expected) == 60 and 0 < len(with_film) < 60 and len(matchmade) < 60
    assert {r[0] for r in query(db, "select match_id from landing.match_history")} == expected
    assert {r[0] for r in query(db, "select match_id from landing.match_stats")} == expected
    # Skill only for matchmade games; never a second fetch of anything.
    assert {r[0] for r in query(db, "select match_id from landing.match_skill")} == matchmade
    assert {r[0] for r in query(db, "select match_id from landing.film_chunks where chunk_type = 3")} == with_film
    assert server.count(endpoint="stats") == 60
    assert server.count(endpoint="skill") == len(matchmade)
    assert server.count(endpoint="film_manifest") == 60
    assert server.count(endpoint="film_chunk") == len(with_film)
    assert server.count(endpoint="history") == 3  # 25 + 25 + 10
    assert server.count(endpoint="medals") == 1
    # Each distinct asset version once.
    assets = query(db, "select count(*), count(distinct (asset_kind, asset_id, version_id)) from landing.ugc_assets")
    assert assets[0][0] == assets[0][1] == server.count(endpoint="asset")
    # Expired films are explained, not errors; nothing else failed.
    attempts = query(db, "select endpoint, outcome, http_status, terminal, count(*) from landing.fetch_attempts group by all")
    assert attempts == [("film_manifest", "not_found", 404, True, 60 - len(with_film))]
    # Skill asked for every human of the match and nobody else (never a bot).
    requested = query(db, "select requested_xuids from landing.match_skill")
    assert all(x and all(len(v) == 16 and v.isdigit() for v in x) for (x,) in requested)
    assert "landed: " in result.out and "0 match(es) still missing" in result.out


def test_second_run_only_lists_history(server: RunningServer, db: Path) -> None:
    assert ingest_once(server, db).code == 0
    before = {e: server.count(endpoint=e) for e in ("stats", "skill", "film_manifest", "film_chunk", "asset", "medals", "history")}
    second = ingest_once(server, db)
    assert second.code == 0, second.err
    after = {e: server.count(endpoint=e) for e in before}
    delta = {e: after[e] - before[e] for e in before}
    # One history page (it holds already-listed matches), nothing else from the match services.
    assert delta == {"stats": 0, "skill": 0, "film_manifest": 0, "film_chunk": 0, "asset": 0, "medals": 0, "history": 1}
    assert "0 new of 25 listed" in second.out


def test_a_new_match_is_listed_and_fetched_alone(server: RunningServer, db: Path) -> None:
    assert ingest_once(server, db).code == 0
    stats_before = server.count(endpoint="stats")
    new_id = server.add_match(DEMO_MAIN, template="slayer", teammates=[DEMO_FRIEND])
    assert ingest_once(server, db).code == 0
    assert server.count(endpoint="stats") == stats_before + 1
    assert scalar(db, "select count(*) from landing.match_stats where match_id = ?", [new_id]) == 1
    # The friend is not tracked in this warehouse: only the tracked player's history row exists.
    assert query(db, "select player_xuid from landing.match_history where match_id = ?", [new_id]) == [(DEMO_MAIN,)]


def test_a_match_appearing_mid_listing_causes_no_duplicate_and_no_gap(server: RunningServer, db: Path) -> None:
    api = server.api
    original = api.handle
    added: list[str] = []

    def handle_and_play_a_match(method, target, headers, body):  # noqa: ANN001, ANN202
        # Right before the second history page is served, a new match lands on top of the list:
        # every offset shifts by one and the last item of page one is served again.
        if "/matches?" in target and "start=25" in target and not added:
            added.append(api.career.add_match(int(DEMO_MAIN), template="zones").match_id)
        return original(method, target, headers, body)

    api.handle = handle_and_play_a_match  # type: ignore[method-assign]
    assert ingest_once(server, db).code == 0
    original_ids = career_ids(server, DEMO_MAIN) - set(added)
    landed = {r[0] for r in query(db, "select match_id from landing.match_stats")}
    assert landed == original_ids  # every original match, once (primary keys forbid duplicates)
    assert server.count(endpoint="stats") == 60
    # The new match was above the listing's position: the next run lists and fetches it.
    assert ingest_once(server, db).code == 0
    assert scalar(db, "select count(*) from landing.match_stats where match_id = ?", [added[0]]) == 1


def test_an_interrupted_listing_leaves_no_permanent_gap(server: RunningServer, db: Path) -> None:
    # The third history page keeps failing: the run lands 50 matches and knows its listing is partial.
    server.set_faults(FaultConfig(rules=(FaultRule("status", status=503, endpoint="history", path_regex="start=50"),)))
    first = ingest_once(server, db)
    assert first.code == 0, first.err
    assert scalar(db, "select count(*) from landing.match_stats") == 50
    assert query(db, "select complete from landing.history_crawls") == [(False,)]
    assert "listing failed" in first.out
    assert "failed (will be retried next run): 1 history pages" in first.out
    # Next run: the top page holds only known matches, but the previous listing was partial, so it
    # pages to the end instead of stopping there — the 10 oldest matches arrive.
    server.set_faults(FaultConfig())
    stats_before = server.count(endpoint="stats")
    assert ingest_once(server, db).code == 0
    assert {r[0] for r in query(db, "select match_id from landing.match_stats")} == career_ids(server, DEMO_MAIN)
    assert server.count(endpoint="stats") - stats_before == 10
    assert query(db, "select complete from landing.history_crawls order by started_at") == [(False,), (True,)]


def test_server_errors_and_bad_bodies_are_retried(server: RunningServer, db: Path) -> None:
    film_match = next(m.match_id for m in server.api.career.history(int(DEMO_MAIN)) if m.film)
    server.set_faults(FaultConfig(rules=(
        FaultRule("status", status=503, endpoint="stats", times=3),
        FaultRule("status", status=502, endpoint="skill", times=2),
        FaultRule("truncated_json", endpoint="stats", times=2),
        FaultRule("invalid_json", endpoint="film_manifest", path_regex=film_match, times=1),
        FaultRule("drop", endpoint="asset", times=2),
    )))
    assert ingest_once(server, db).code == 0
    assert scalar(db, "select count(*) from landing.match_stats") == 60
    # Every landed payload is whole, valid JSON.
    assert scalar(db, "select count(*) from landing.match_stats where json_valid(payload::varchar) and json_array_length(payload->'$.Players') > 0") == 60
    # Retried fetches stay visible: one extra attempt per injected fault, nothing left failed.
    extra = dict(query(db, "select endpoint, sum(attempts - 1) from landing.fetch_attempts where outcome = 'landed' group by all"))
    assert extra == {"match_stats": 5, "match_skill": 2, "film_manifest": 1, "ugc_asset": 2}
    assert scalar(db, "select count(*) from landing.fetch_attempts where outcome = 'failed'") == 0
    assert server.count(endpoint="stats") == 65  # 60 + 3 errors + 2 truncated bodies


def test_throttling_honours_retry_after(server: RunningServer, db: Path) -> None:
    server.set_faults(FaultConfig(rules=(FaultRule("status", status=429, endpoint="stats", times=1, retry_after=1),)))
    result = ingest_once(server, db)
    assert result.code == 0
    assert "1 throttled" in result.out
    stats = [r for r in server.requests if r.endpoint == "stats"]
    refused = next(r for r in stats if r.status == 429)
    retry = next(r for r in stats if r.path == refused.path and r.status == 200)
    assert retry.time - refused.time >= 0.95
    # The whole host waits, not just the refused request: during the pause only requests that
    # already held one of the host's slots when the 429 came back may still arrive (how late they
    # arrive depends on the machine's load, how many cannot).
    in_pause = [r for r in stats if refused.time < r.time < refused.time + 0.95]
    assert len(in_pause) <= fast_http().per_host_concurrency - 1, in_pause


def test_a_404_on_a_listed_match_is_terminal_and_explained(server: RunningServer, db: Path) -> None:
    victim = sorted(career_ids(server, DEMO_MAIN))[0]
    server.set_faults(FaultConfig(rules=(FaultRule("status", status=404, endpoint="stats", path_regex=victim),)))
    assert ingest_once(server, db).code == 0
    status = query(db, "select status, http_status from landing.match_payload_status where match_id = ? and endpoint = 'match_stats'", [victim])
    assert status == [("failed_terminal", 404)]
    stats_before = server.count(endpoint="stats")
    assert ingest_once(server, db).code == 0
    assert server.count(endpoint="stats") == stats_before  # not retried every run
    server.set_faults(FaultConfig())
    assert ingest_once(server, db, retry_failed=True).code == 0
    assert server.count(endpoint="stats") == stats_before + 1  # unless asked
    assert scalar(db, "select count(*) from landing.match_stats where match_id = ?", [victim]) == 1


def test_skill_that_failed_is_fetched_alone_next_run(server: RunningServer, db: Path) -> None:
    target = sorted(career_ids(server, DEMO_MAIN, "matchmaking"))[0]
    server.set_faults(FaultConfig(rules=(FaultRule("status", status=500, endpoint="skill", path_regex=target),)))
    assert ingest_once(server, db).code == 0
    assert query(db, "select status, http_status from landing.match_payload_status where match_id = ? and endpoint = 'match_skill'", [target]) == [("failed", 500)]
    server.set_faults(FaultConfig())
    counts = {e: server.count(endpoint=e) for e in ("stats", "skill", "film_manifest")}
    assert ingest_once(server, db).code == 0
    assert server.count(endpoint="stats") == counts["stats"]
    assert server.count(endpoint="film_manifest") == counts["film_manifest"]
    assert server.count(endpoint="skill") == counts["skill"] + 1
    assert scalar(db, "select count(*) from landing.match_skill where match_id = ?", [target]) == 1


def cli_env(server: RunningServer, db: Path, token: str = "demo-spartan-token") -> dict[str, str]:
    return {"HALO_API_BASE_URL": server.base_url, "HALO_SPARTAN_TOKEN": token, "HALO_DB": str(db)}


def test_a_wrong_token_is_one_line_and_writes_nothing(server: RunningServer, db: Path) -> None:
    result = halo_cli(["ingest", "--player", DEMO_MAIN], cli_env(server, db, token="v4=not-the-right-token"))
    assert result.code == 3
    assert result.err == "error: token expired or invalid: profile answered 401 (paste a fresh Spartan token, or run `halo auth login` again)\n"
    assert "not-the-right-token" not in result.err + result.out
    assert not db.exists()


def test_an_unknown_gamertag_is_one_line_and_writes_nothing(server: RunningServer, db: Path) -> None:
    result = halo_cli(["ingest", "--player", "Nobody Here"], cli_env(server, db))
    assert result.code == 2
    assert result.err.startswith("error: unknown player: no Xbox profile for gamertag 'Nobody Here'")
    assert result.err.count("\n") == 1
    assert not db.exists()


def test_a_401_mid_run_stops_cleanly_and_the_next_run_completes(server: RunningServer, db: Path) -> None:
    victim = sorted(career_ids(server, DEMO_MAIN))[30]
    server.set_faults(FaultConfig(rules=(FaultRule("status", status=401, endpoint="stats", path_regex=victim),)))
    result = halo_cli(["ingest", "--player", DEMO_MAIN, "--rate", "200", "--profile-rate", "200"], cli_env(server, db))
    assert result.code == 3 and result.err.startswith("error: token expired or invalid: halostats answered 401")
    landed = scalar(db, "select count(*) from landing.match_stats")
    assert 0 < landed < 60  # what landed before the 401 is kept
    assert scalar(db, "select count(*) from landing.match_stats where not json_valid(payload::varchar)") == 0
    server.set_faults(FaultConfig())
    before = server.count(endpoint="stats")
    assert halo_cli(["ingest", "--rate", "200", "--profile-rate", "200"], cli_env(server, db)).code == 0
    assert scalar(db, "select count(*) from landing.match_stats") == 60
    assert server.count(endpoint="stats") - before == 60 - landed  # exactly what was missing


def test_gamertags_with_spaces_and_hash_resolve(server: RunningServer, db: Path) -> None:
    result = ingest_once(server, db, players=["Quill#4821", "nimbus crow"])
    assert result.code == 0, result.err
    tracked = query(db, "select xuid, gamertag from landing.tracked_players order by xuid")
    assert tracked == [(DEMO_FRIEND, "Nimbus Crow"), ("2535400000004821", "Quill#4821")]


def test_tracked_players_are_refreshed_in_one_profile_call(server: RunningServer, db: Path) -> None:
    assert ingest_once(server, db, players=["Demo Spartan", "Nimbus Crow", "Quill#4821"]).code == 0
    before = server.count(endpoint="profile")
    again = ingest_once(server, db, players=[])  # every tracked player
    assert again.code == 0, again.err
    # /users/me to check the token, then one batch for the three tracked players (the profile
    # service allows ~1 req/s: one call each would delay every scheduled run).
    assert server.count(endpoint="profile") - before == 2
    assert "Quill#4821 (xuid 2535400000004821): 0 new" in again.out


def test_csr_season_calendar_is_asked_every_run_and_landed_once_per_version(
    server: RunningServer, db: Path
) -> None:
    assert ingest_once(server, db).code == 0
    rows = query(db, "select payload from landing.csr_season_calendar")
    assert len(rows) == 1 and json.loads(rows[0][0]) == server.api.career.calendar_payload()
    assert server.count(endpoint="csr_calendar") == 1
    # Asked again on the next run; the same calendar is not landed twice.
    assert ingest_once(server, db).code == 0
    assert server.count(endpoint="csr_calendar") == 2
    assert scalar(db, "select count(*) from landing.csr_season_calendar") == 1
    # A failed fetch is recorded like any other (retryable: the next run asks again)...
    server.set_faults(FaultConfig(rules=(FaultRule("status", status=503, endpoint="csr_calendar"),)))
    failed = ingest_once(server, db)
    assert "CSR season calendar" in failed.out
    attempts = query(db, "select outcome, http_status, terminal from landing.fetch_attempts where endpoint = 'csr_season_calendar'")
    assert attempts == [("failed", 503, False)]
    assert scalar(db, "select count(*) from landing.csr_season_calendar") == 1
    # ...and a calendar that gained a season (a match after the last one) lands as a new row.
    server.set_faults(FaultConfig())
    server.add_match(DEMO_MAIN, start=datetime(2025, 5, 1, 12, tzinfo=UTC))
    assert ingest_once(server, db).code == 0
    latest = query(db, "select payload from landing.csr_season_calendar order by landing_seq desc")
    assert len(latest) == 2
    assert json.loads(latest[0][0])["Seasons"][-1]["CsrSeasonFilePath"] == "Csr/Seasons/CsrSeason11-1.json"
    # The latest is the last landed (landing_seq), whatever the clock said: with the first calendar
    # dated a year ahead (a clock that ran fast), the next run still finds the current calendar
    # unchanged and lands nothing.
    con = duckdb.connect(str(db))
    try:
        con.execute("update landing.csr_season_calendar set fetched_at = fetched_at + interval 1 year "
                    "where landing_seq = (select min(landing_seq) from landing.csr_season_calendar)")
    finally:
        con.close()
    assert ingest_once(server, db).code == 0
    assert scalar(db, "select count(*) from landing.csr_season_calendar") == 2
