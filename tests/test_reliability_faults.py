"""The fault matrix: every kind of trouble the API can cause, over real HTTP, into a real file.

For each fault: the run finishes (or stops with one clear line), every payload that landed is whole
and valid, what failed is in ``landing.fetch_attempts``, and a later run completes the set without
fetching anything twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.ingest_harness import DEMO_MAIN, fast_http, halo_cli, ingest_once, query, scalar

from fake_halo import (
    Career,
    CareerSpec,
    FakeHaloApi,
    FaultConfig,
    FaultRule,
    RateLimit,
    RunningServer,
    running,
)


@dataclass(frozen=True)
class Case:
    name: str
    faults: FaultConfig
    recorded: set[tuple[str, int | None]] = frozenset()  # (endpoint, http_status) left failed in run 1
    timeout_s: float = 5.0


def film_match(server: RunningServer) -> str:
    return next(m.match_id for m in server.api.career.history(int(DEMO_MAIN)) if m.film)


CASES = [
    Case("429 with Retry-After", FaultConfig(rules=(FaultRule("status", status=429, endpoint="stats", times=3, retry_after=1),))),
    Case("429 without Retry-After", FaultConfig(rules=(FaultRule("status", status=429, endpoint="skill", times=4),))),
    Case("server-side rate limit, no Retry-After", FaultConfig(rate_limit=RateLimit(60, burst=2, retry_after=False))),
    Case("500/502/503 bursts", FaultConfig(rules=(
        FaultRule("status", status=500, endpoint="stats", times=4),
        FaultRule("status", status=502, endpoint="film_manifest", times=4),
        FaultRule("status", status=503, endpoint="history", times=2),
    ))),
    Case("slow responses and timeouts", FaultConfig(rules=(FaultRule("slow", endpoint="stats", delay_s=1.2, times=3),)), timeout_s=0.5),
    Case("dropped connections", FaultConfig(rules=(
        FaultRule("drop", endpoint="stats", times=3), FaultRule("drop", endpoint="film_chunk", times=2),
    ))),
    Case("truncated and invalid JSON with status 200", FaultConfig(rules=(
        FaultRule("truncated_json", endpoint="stats", times=3), FaultRule("invalid_json", endpoint="skill", times=2),
        FaultRule("truncated_json", endpoint="history", times=1),
    ))),
    Case("a truncated film chunk", FaultConfig(rules=(FaultRule("truncated_json", endpoint="film_chunk"),)),
         recorded={("film_chunk", 200)}),
    Case("a match whose stats keep failing", FaultConfig(rules=(FaultRule("status", status=500, endpoint="stats", path_regex="MATCH"),)),
         recorded={("match_stats", 500)}),
    Case("404 for a match the history lists", FaultConfig(rules=(FaultRule("status", status=404, endpoint="stats", path_regex="MATCH"),)),
         recorded={("match_stats", 404)}),
]


@pytest.fixture()
def server() -> Iterator[RunningServer]:
    with running(FakeHaloApi(Career(CareerSpec.demo()))) as handle:
        yield handle


def with_match(config: FaultConfig, match_id: str) -> FaultConfig:
    rules = tuple(
        FaultRule(**{**r.__dict__, "path_regex": r.path_regex.replace("MATCH", match_id)}) if r.path_regex else r
        for r in config.rules
    )
    return FaultConfig(latency_ms=config.latency_ms, rate_limit=config.rate_limit, rules=rules)


def assert_landing_intact(db: Path) -> None:
    for table in ("match_history", "match_stats", "match_skill", "film_manifests", "ugc_assets", "players"):
        assert scalar(db, f"select count(*) from landing.{table} where not json_valid(payload::varchar)") == 0, table
    assert scalar(db, "select count(*) - count(distinct match_id) from landing.match_stats") == 0
    # Highlight chunks are whole: their size is the manifest's.
    assert scalar(db, """
        select count(*) from landing.film_chunks c join landing.film_manifests m using (match_id)
        where octet_length(c.data) <> cast(json_extract(m.payload, '$.CustomData.Chunks[#-1].ChunkSize') as bigint)
    """) == 0


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fault(case: Case, server: RunningServer, tmp_path: Path) -> None:
    db = tmp_path / "halo.duckdb"
    history = server.api.career.history(int(DEMO_MAIN))
    target = film_match(server) if "film" in case.name else sorted(m.match_id for m in history)[7]
    server.set_faults(with_match(case.faults, target))
    http = fast_http()
    http.timeout_s = case.timeout_s
    first = ingest_once(server, db, http=http, profiles="none")
    assert first.code == 0, first.err
    assert_landing_intact(db)
    left = {
        (e, s) for e, s in query(db, """
            select endpoint, http_status from landing.match_payload_status
            where status in ('failed', 'failed_terminal') and endpoint <> 'film_manifest'
        """)
    }
    assert left == case.recorded
    if case.recorded:
        assert "failed (will be retried next run)" in first.out or "not available" in first.out
        recorded = query(db, "select endpoint, key, error from landing.fetch_attempts where outcome <> 'landed' and endpoint <> 'film_manifest'")
        # Chunk URLs carry the film's ids, not the match's: that fault hits every film.
        keys = {m.match_id for m in history if m.film} if "film chunk" in case.name else {target}
        assert {(e, k) for e, k, _ in recorded} == {(next(iter(case.recorded))[0], k) for k in keys}
        assert all(error for _, _, error in recorded)  # the reason is stated
    # A later run, faults gone, completes the set (a terminal 404 only when asked to retry it).
    server.set_faults(FaultConfig())
    second = ingest_once(server, db, profiles="none", retry_failed=True)
    assert second.code == 0, second.err
    assert_landing_intact(db)
    ids = {m.match_id for m in history}
    assert {r[0] for r in query(db, "select match_id from landing.match_stats")} == ids
    assert {r[0] for r in query(db, "select match_id from landing.film_chunks")} == {m.match_id for m in history if m.film}
    assert scalar(db, "select count(*) from landing.match_payload_status where status in ('missing', 'failed', 'failed_terminal') and endpoint <> 'film_manifest'") == 0
    # Nothing was fetched twice: each payload was served whole exactly once over both runs.
    served = [r for r in server.requests if r.status == 200 and r.fault is None]
    assert sum(1 for r in served if r.endpoint == "stats") == len(ids)
    assert sum(1 for r in served if r.endpoint == "film_chunk") == sum(1 for m in history if m.film)


def test_a_401_mid_run_is_one_line_and_loses_nothing(server: RunningServer, tmp_path: Path) -> None:
    db = tmp_path / "halo.duckdb"
    target = sorted(m.match_id for m in server.api.career.history(int(DEMO_MAIN)))[20]
    server.set_faults(FaultConfig(rules=(FaultRule("status", status=401, endpoint="skill", path_regex=target),)))
    env = {"HALO_API_BASE_URL": server.base_url, "HALO_SPARTAN_TOKEN": "demo-spartan-token", "HALO_DB": str(db)}
    result = halo_cli(["ingest", "--player", DEMO_MAIN, "--rate", "200", "--profiles", "none"], env)
    assert result.code == 3
    assert result.err.count("\n") == 1 and result.err.startswith("error: token expired or invalid: skill answered 401")
    assert_landing_intact(db)
    server.set_faults(FaultConfig())
    assert halo_cli(["ingest", "--rate", "200", "--profiles", "none"], env).code == 0
    assert scalar(db, "select count(*) from landing.match_payload_status where status in ('missing', 'failed')") == 0
