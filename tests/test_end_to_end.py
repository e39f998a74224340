"""The old backfill script's failures, replayed end to end: fake API → ingester → dbt build."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.ingest_harness import DEMO_MAIN, ingest_once, query, scalar

from fake_halo import Career, CareerSpec, FakeHaloApi, FaultConfig, FaultRule, running
from ingest.store.completeness import status_rows
from ingest.store.warehouse import open_warehouse
from ingest.transform.dbt_runner import run_dbt

pytestmark = pytest.mark.dbt
STATUS_TO_SERVER = {"match_stats": "stats", "match_skill": "skill", "film_manifest": "film_manifest", "film_chunk": "film_chunk"}


def build(db: Path, tmp: Path) -> str:
    result = run_dbt(["build"], db, target_path=tmp / "target", log_path=tmp / "logs")
    assert result.returncode == 0, result.failures or result.output[-3000:]
    import json

    return json.loads((tmp / "target" / "run_results.json").read_text())["metadata"]["invocation_id"]


def status_rows_of(db: Path) -> list:
    con = open_warehouse(db, read_only=True)
    try:
        return status_rows(con)
    finally:
        con.close()


def to_fetch(db: Path) -> dict[str, int]:
    """Per payload type, what `halo status` says the next ingest will fetch (all players)."""
    totals: dict[str, int] = {}
    for row in status_rows_of(db):
        if row.data_type in STATUS_TO_SERVER:
            totals[row.data_type] = totals.get(row.data_type, 0) + row.to_fetch
    return totals


def test_skill_that_failed_is_refetched_alone_and_filled_by_the_next_build(tmp_path: Path) -> None:
    db = tmp_path / "halo.duckdb"
    with running(FakeHaloApi(Career(CareerSpec.demo()))) as server:
        matchmade = sorted(m.match_id for m in server.api.career.history(int(DEMO_MAIN), "matchmaking"))
        late, also_late = matchmade[3], matchmade[11]
        server.set_faults(FaultConfig(rules=(
            FaultRule("status", status=500, endpoint="skill", path_regex=late),
            FaultRule("status", status=503, endpoint="skill", path_regex=also_late),
            FaultRule("status", status=502, endpoint="film_manifest", times=6),
        )))
        assert ingest_once(server, db, profiles="none").code == 0
        # A transient failure is an explained gap: the build passes (with a warning) meanwhile.
        build(db, tmp_path / "b1")
        assert scalar(db, "select count(*) from main.fct_match_players where match_id in (?, ?) and team_mmr is not null", [late, also_late]) == 0
        # `halo status` says what the next ingest will fetch...
        pending = to_fetch(db)
        assert pending["match_skill"] == 2
        server.set_faults(FaultConfig())
        before = {e: server.count(endpoint=e) for e in STATUS_TO_SERVER.values()}
        assert ingest_once(server, db, profiles="none").code == 0
        fetched = {e: server.count(endpoint=e) - before[e] for e in STATUS_TO_SERVER.values()}
        # ...and that is exactly what it fetches: never a stats payload again.
        assert fetched == {STATUS_TO_SERVER[k]: v for k, v in pending.items()}
        assert fetched["stats"] == 0 and fetched["skill"] == 2
        assert sum(to_fetch(db).values()) == 0

    # Landed but not built yet: `halo status` says so for exactly those two matches.
    needs_build = {r.data_type: r.needs_build for r in status_rows_of(db) if r.player_xuid == DEMO_MAIN}
    assert needs_build["match_players"] == 2
    second = build(db, tmp_path / "b2")
    assert sum(r.needs_build + r.missing for r in status_rows_of(db)) == 0
    for match_id in (late, also_late):
        humans = scalar(db, "select count(*) from main.fct_match_players where match_id = ? and xuid is not null", [match_id])
        with_skill = scalar(db, "select count(*) from main.fct_match_players where match_id = ? and team_mmr is not null", [match_id])
        assert humans > 0 and with_skill == humans
    # Only the two matches whose skill arrived were rewritten; nothing else was recomputed.
    rewritten = query(db, "select distinct match_id from main.fct_match_players where dbt_invocation_id = ?", [second])
    assert sorted(r[0] for r in rewritten) == sorted([late, also_late])
    for mart in ("dim_matches", "fct_medals", "fct_personal_scores"):
        assert scalar(db, f"select count(*) from main.{mart} where dbt_invocation_id = ?", [second]) == 0, mart
