"""Incremental builds do not trust the wall clock: payloads landed while the clock is behind (a
corrected laptop clock, a warehouse restored on another machine, an NTP step) still reach every
mart, and a payload re-fetched with an older clock still replaces its rows.

One scenario, with the process clock of the later ingests set back by Debian's ``faketime``
(libfaketime, LD_PRELOAD: Python's and DuckDB's clocks both move):

1. the demo player's newest 15 matches land with the real clock; ``dbt build``;
2. one day behind: three matches newer than any played, then ``halo ingest`` of the whole career
   of all three tracked players (63 new matches, older and newer ones, films included);
3. two days behind: a changed stats payload of a match built in 1, the same film chunk of a film
   decoded in 1, and a medal catalogue that renames a medal, re-landed through the writer;
4. ``dbt build``: it passes, every mart holds every landed match, the re-landed payloads replaced
   their rows, and the warehouse equals a ``dbt build --full-refresh`` of a copy of it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.dbt_harness import DbtRun, query, run_dbt
from support.debian_tools import ensure_debian_tool
from support.ingest_harness import DEMO_MAIN, REPO, halo_subprocess, ingest_once
from support.warehouse_compare import compare_warehouses

from fake_halo import Career, CareerSpec, FakeHaloApi, running

pytestmark = pytest.mark.dbt

NIMBUS, QUILL = "2533274911112233", "2535400000004821"
FIRST_MATCHES = 15
ADDED_KILLS = 7
RENAMED = "Clockwise "

# Re-lands payloads through the product's writer, in a process whose clock faketime sets back.
RELAND = """
import json, sys
from pathlib import Path
from ingest.store.warehouse import open_warehouse
from ingest.store.writer import LandingWriter

spec = json.loads(Path(sys.argv[2]).read_text())
con = open_warehouse(Path(sys.argv[1]))
writer = LandingWriter(con)
writer.match_stats(spec["stats_match_id"], spec["stats_payload"])
chunk = spec["chunk"]
writer.film_chunk(chunk["match_id"], chunk["chunk_index"], chunk["chunk_type"], chunk["film_major_version"],
                  Path(chunk["data_file"]).read_bytes())
writer.medal_metadata(spec["medal_metadata"])
writer.flush()
con.close()
"""


@pytest.fixture(scope="module")
def faketime() -> str:
    path, why_not = ensure_debian_tool("faketime", "faketime")
    if path is None:  # a failure, not a skip: `make test` installs what the suite needs
        pytest.fail(f"needs Debian's faketime to set the clock back: {why_not}")
    return path


def behind(faketime: str, offset: str) -> list[str]:
    """The command prefix running a program with its clock ``offset`` behind (e.g. ``-1d``)."""
    return [faketime, "-f", offset]


# Seeds and models only (what the data tests check is built once, in step 4); dbt's unit tests run
# in test_dbt_models.py.
MODELS_ONLY = ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")


def build(root: Path, db: Path, name: str, *extra: str) -> DbtRun:
    run = run_dbt(root, db, "build", *extra, target=f"target_{name}")
    failed = run.not_ok(any_warning=True)
    assert run.returncode == 0 and not failed, (failed, run.output[-3000:])
    print(f"dbt build {name}: {run.wall_s:.1f} s")
    return run


def landed_ids(db: Path, table: str) -> set[str]:
    return {r["match_id"] for r in query(db, f"select distinct match_id from {table}")}


def relanded_payloads(db: Path, work: Path) -> dict:
    """What step 3 re-lands (chosen among what build 1 wrote) and the values it should produce."""
    stats_id, payload = (query(db, "select match_id, payload::varchar as payload from landing.match_stats"
                               " where match_id in (select match_id from main.dim_matches)"
                               " order by match_id limit 1")[0]).values()
    stats = json.loads(payload)
    player = next(p for p in stats["Players"] if p["PlayerId"].startswith("xuid(") and p["PlayerTeamStats"])
    core = player["PlayerTeamStats"][0]["Stats"]["CoreStats"]
    core["Kills"] += ADDED_KILLS
    xuid = player["PlayerId"][5:-1]
    (kills_before,) = query(db, "select kills from main.fct_match_players where match_id = ? and xuid = ?",
                            [stats_id, xuid])[0].values()

    chunk = query(db, "select match_id, chunk_index, chunk_type, film_major_version, data from landing.film_chunks"
                  " where chunk_type = 3 and match_id in (select match_id from main.fct_film_decodes)"
                  " order by match_id limit 1")[0]
    data_file = work / "chunk.bin"
    data_file.write_bytes(chunk.pop("data"))

    (medal_id,) = query(db, "select medal_name_id from main.fct_medals where medal_name is not null"
                        " order by medal_name_id limit 1")[0].values()
    (metadata,) = query(db, "select payload::varchar as payload from landing.medal_metadata")[0].values()
    catalogue = json.loads(metadata)
    medal = next(m for m in catalogue["medals"] if m["nameId"] == medal_id)
    medal["name"]["value"] = RENAMED + medal["name"]["value"]
    return {
        "stats_match_id": stats_id, "stats_payload": json.dumps(stats), "chunk": {**chunk, "data_file": str(data_file)},
        "medal_metadata": json.dumps(catalogue),
        "expect": {"xuid": xuid, "kills": kills_before + ADDED_KILLS, "medal_id": medal_id,
                   "medal_name": medal["name"]["value"]},
    }


def test_landings_with_the_clock_behind_reach_every_mart(tmp_path: Path, faketime: str) -> None:
    db = tmp_path / "halo.duckdb"
    with running(FakeHaloApi(Career(CareerSpec.demo()))) as server:
        # 1. The newest matches with the real clock, built.
        assert ingest_once(server, db, [DEMO_MAIN], max_matches=FIRST_MATCHES).code == 0
        build(tmp_path, db, "first", *MODELS_ONLY)
        first_stats = landed_ids(db, "landing.match_stats")
        assert len(first_stats) == FIRST_MATCHES
        (first_landed,) = query(db, "select min(fetched_at) as t from landing.match_stats")[0].values()

        # 2. The rest of the career and newer matches, one day behind.
        server.add_match(DEMO_MAIN)
        server.add_match(DEMO_MAIN, template="oddball", teammates=[NIMBUS], film=True)
        server.add_match(QUILL)
        run = halo_subprocess(
            ["ingest", "-p", DEMO_MAIN, "-p", NIMBUS, "-p", QUILL, "--rate", "200", "--profile-rate", "200",
             "--concurrency", "16", "--no-progress"],
            server, db, wrapper=behind(faketime, "-1d"),
        )
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, (out[-2000:], err[-2000:])

    stats = landed_ids(db, "landing.match_stats")
    new_stats = stats - first_stats
    assert len(new_stats) == 63
    # The clock really was behind: every new payload "landed" before the first one.
    (newest_late,) = query(db, "select max(fetched_at) as t from landing.match_stats where not list_contains(?, match_id)",
                           [sorted(first_stats)])[0].values()
    assert newest_late < first_landed

    # 3. Re-fetched payloads, two days behind.
    spec = relanded_payloads(db, tmp_path)
    (tmp_path / "reland.json").write_text(json.dumps(spec))
    relanded = subprocess.run(  # noqa: S603 - our own code, fixed arguments
        [*behind(faketime, "-2d"), sys.executable, "-c", RELAND, str(db), str(tmp_path / "reland.json")],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert relanded.returncode == 0, relanded.stderr[-2000:]

    # 4. One incremental build: it passes (no completeness test fails) and misses nothing.
    second = build(tmp_path, db, "second", "--exclude-resource-type", "unit_test")
    for mart in ("main.dim_matches", "main.fct_match_players"):
        assert landed_ids(db, mart) == stats, mart
    listed = {(r["player_xuid"], r["match_id"]) for r in query(
        db, "select player_xuid, match_id from landing.match_history where match_id in"
        " (select match_id from landing.match_stats)")}
    for mart in ("main.fct_player_match_sessions", "main.fct_performance_scores"):
        built = {(r["player_xuid"], r["match_id"]) for r in query(db, f"select player_xuid, match_id from {mart}")}
        assert built == listed, mart
    films = landed_ids(db, "landing.film_chunks")
    assert landed_ids(db, "main.fct_film_decodes") == films

    # The re-landed payloads replaced their rows.
    expect = spec["expect"]
    assert query(db, "select kills from main.fct_match_players where match_id = ? and xuid = ?",
                 [spec["stats_match_id"], expect["xuid"]]) == [{"kills": expect["kills"]}]
    assert {r["medal_name"] for r in query(db, "select distinct medal_name from main.fct_medals"
                                           " where medal_name_id = ?", [expect["medal_id"]])} == {expect["medal_name"]}
    assert query(db, "select dbt_invocation_id from main.fct_film_decodes where match_id = ?",
                 [spec["chunk"]["match_id"]]) == [{"dbt_invocation_id": second.invocation_id}]

    # And the warehouse equals a full refresh of a copy of it.
    copy = tmp_path / "full.duckdb"
    shutil.copy(db, copy)
    wal = db.with_name(db.name + ".wal")
    if wal.exists():
        shutil.copy(wal, copy.with_name(copy.name + ".wal"))
    build(tmp_path, copy, "full", "--full-refresh", *MODELS_ONLY)
    different = [c.line() for c in compare_warehouses(db, copy) if not c.identical]
    assert not different, different
