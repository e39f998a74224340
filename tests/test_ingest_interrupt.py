"""Stopping an ingest part-way: Ctrl+C stops cleanly, kill -9 loses at most the batch in flight,
and the next run fetches exactly what is missing.

The history listing overlaps with the fetches (a page's matches are fetched while the next page is
listed), so a run may stop with its listing unfinished: each page is committed before its matches
are fetched, and a crawl is marked complete only at its end, so the next run pages to the end."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.ingest_harness import (
    DEMO_MAIN,
    HOLD_S,
    halo_subprocess,
    hold_stats_of,
    query,
    scalar,
    wait_for_requests,
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
from ingest.store.completeness import status_rows
from ingest.store.warehouse import open_warehouse
from ingest.sync.options import IngestOptions

SLOW = ["--rate", "15", "--profiles", "none"]  # slow enough to interrupt part-way, bounded in time
BATCH = 50  # LandingWriter's default batch size
WORKERS = IngestOptions.workers  # matches fetched at once: each worker takes its next match only once
# the previous one's stats have landed, so n + WORKERS stats requests received means >= n landed


@pytest.fixture()
def server() -> Iterator[RunningServer]:
    api = FakeHaloApi(Career(CareerSpec.demo()), faults=FaultConfig(latency_ms=20))
    with running(api) as handle:
        yield handle


def wait_for_stats(server: RunningServer, n: int) -> None:
    wait_for_requests(server, "stats", n)


def oldest_match(server: RunningServer) -> str:
    return server.api.career.history(int(DEMO_MAIN))[-1].match_id  # fetched last (newest first)


def part_way(server: RunningServer) -> FaultConfig:
    """The usual latency, and the oldest match's stats held: a run cannot land all 60 before it is
    stopped, however fast it goes."""
    return FaultConfig(latency_ms=20, rules=(hold_stats_of(oldest_match(server)),))


def stats_to_fetch(db: Path) -> int:
    con = open_warehouse(db, read_only=True)
    try:
        return sum(r.to_fetch for r in status_rows(con) if r.endpoint == "match_stats")
    finally:
        con.close()


def test_ctrl_c_stops_cleanly_and_the_next_run_resumes(server: RunningServer, tmp_path: Path) -> None:
    db = tmp_path / "halo.duckdb"
    server.set_faults(part_way(server))
    run = halo_subprocess(["ingest", "--player", DEMO_MAIN, *SLOW], server, db)
    wait_for_stats(server, 12 + WORKERS)  # >= 12 matches landed (or in the writer's batch)
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    landed = scalar(db, "select count(*) from landing.match_stats")
    listed = scalar(db, "select count(*) from landing.match_history")
    missing = scalar(db, "select count(distinct match_id) from landing.match_payload_status where status in ('missing', 'failed')")
    assert missing >= listed - landed  # every listed match without stats, plus any lacking skill or film
    assert scalar(db, "select count(*) from landing.match_stats anti join landing.match_history using (match_id)") == 0
    [(complete,)] = query(db, "select complete from landing.history_crawls")
    assert listed == 60 or not complete  # complete only once the listing reached its end
    note = "" if complete else " (history listing not finished: more may follow)"
    assert err.strip().splitlines()[-1] == (
        f"stopped: {landed} matches landed, {missing} still missing{note}; run again to continue"
    )
    assert "Traceback" not in err
    assert 12 <= landed < 60
    # Everything fetched before the interrupt was kept (the writer flushed on the way out).
    assert server.count(endpoint="stats") - landed <= 1 + 16  # only requests in flight are lost
    assert stats_to_fetch(db) == listed - landed  # `halo status` counts what is left of what is listed
    server.set_faults(FaultConfig(latency_ms=20))
    before = server.count(endpoint="stats")
    rerun = halo_subprocess(["ingest", "--rate", "200", "--profiles", "none"], server, db)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert server.count(endpoint="stats") - before == 60 - landed  # exactly the missing ones
    assert stats_to_fetch(db) == 0
    assert scalar(db, "select count(*) from landing.match_stats") == 60
    assert query(db, "select complete from landing.history_crawls order by started_at")[-1] == (True,)


def test_kill_9_loses_at_most_the_batch_in_flight(server: RunningServer, tmp_path: Path) -> None:
    db = tmp_path / "halo.duckdb"
    fetched_total = 0
    for kill_after in (8, 23, 41):  # three runs killed at different points of the career
        server.set_faults(part_way(server))
        run = halo_subprocess(["ingest", "--player", DEMO_MAIN, *SLOW], server, db)
        wait_for_stats(server, fetched_total + kill_after - scalar_or_zero(db))
        run.kill()
        run.communicate(timeout=60)
        assert run.returncode == -signal.SIGKILL
        # The file opens, every landed payload is whole and valid, nothing is duplicated.
        landed = scalar(db, "select count(*) from landing.match_stats")
        assert scalar(db, "select count(*) from landing.match_stats where not json_valid(payload::varchar)") == 0
        assert scalar(db, "select count(*) - count(distinct match_id) from landing.match_history") == 0
        fetched_total = server.count(endpoint="stats")
        assert fetched_total - landed <= BATCH + 16  # the unflushed batch and what was in flight
    server.set_faults(FaultConfig(latency_ms=20))
    before = server.count(endpoint="stats")
    landed = scalar(db, "select count(*) from landing.match_stats")
    final = halo_subprocess(["ingest", "--rate", "200", "--profiles", "none"], server, db)
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    assert server.count(endpoint="stats") - before == 60 - landed
    assert {r[0] for r in query(db, "select match_id from landing.match_stats")} == {
        m.match_id for m in server.api.career.history(int(DEMO_MAIN))
    }


def scalar_or_zero(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        return int(scalar(db, "select count(*) from landing.match_stats"))
    except Exception:  # noqa: BLE001 - the schema may not exist yet in a run killed very early
        return 0


def test_kill_9_while_listing_and_fetching_overlap_leaves_no_gap(server: RunningServer, tmp_path: Path) -> None:
    db = tmp_path / "halo.duckdb"
    # The third (last) history page is not answered while the test watches: the run is killed while
    # its listing is still going and the matches of the first two pages are being fetched.
    server.set_faults(FaultConfig(latency_ms=20, rules=(
        FaultRule("slow", endpoint="history", path_regex="start=50", delay_s=HOLD_S),
    )))
    run = halo_subprocess(["ingest", "--player", DEMO_MAIN, *SLOW], server, db)
    wait_for_stats(server, 30)  # more than one page's worth: page two's matches are being fetched
    run.kill()
    run.communicate(timeout=60)
    assert run.returncode == -signal.SIGKILL
    # Both pages whose matches were fetched are committed; the crawl is not marked complete.
    assert scalar(db, "select count(*) from landing.match_history") == 50
    assert query(db, "select complete, finished_at from landing.history_crawls") == [(False, None)]
    landed = scalar(db, "select count(*) from landing.match_stats")
    assert scalar(db, "select count(*) from landing.match_stats anti join landing.match_history using (match_id)") == 0
    assert scalar(db, "select count(*) from landing.match_stats where not json_valid(payload::varchar)") == 0
    assert server.count(endpoint="stats") - landed <= BATCH + 16  # the unflushed batch and what was in flight
    # The next run pages to the end (the last crawl was partial) and fetches exactly what is missing.
    server.set_faults(FaultConfig(latency_ms=20))
    before = server.count(endpoint="stats")
    final = halo_subprocess(["ingest", "--rate", "200", "--profiles", "none"], server, db)
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    assert "10 new of 60 listed in 3 page(s), listing complete" in out
    assert server.count(endpoint="stats") - before == 60 - landed
    assert {r[0] for r in query(db, "select match_id from landing.match_stats")} == {
        m.match_id for m in server.api.career.history(int(DEMO_MAIN))
    }
    assert query(db, "select complete from landing.history_crawls order by started_at") == [(False,), (True,)]
