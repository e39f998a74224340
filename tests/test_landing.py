"""The landing schema, the batched writer and the payload-status view on a real DuckDB file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from fake_halo import recorded
from ingest.store import landed, upgrade
from ingest.store import writer as writer_module
from ingest.store.registry import LANDING_TABLES, LandingTable
from ingest.store.schema import ensure_landing_schema
from ingest.store.warehouse import connect
from ingest.store.writer import LandingWriter
from ingest.vocabulary import human_xuids


@pytest.fixture()
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = connect(tmp_path / "w.duckdb")
    ensure_landing_schema(connection)
    return connection


def data_compressions(con: duckdb.DuckDBPyConnection) -> set[str]:
    con.execute("checkpoint")  # storage info describes what a checkpoint wrote
    return {r[0] for r in con.execute(
        "select distinct compression from pragma_storage_info('landing.film_chunks')"
        " where column_name = 'data' and segment_type = 'BLOB'").fetchall()}


def test_film_bytes_are_stored_uncompressed(con: duckdb.DuckDBPyConnection) -> None:
    chunk = bytes(range(256)) * 1_000  # 256 KB, as a real highlight chunk
    con.executemany("insert into landing.film_chunks (match_id, chunk_index, chunk_type, film_major_version, data,"
                    " fetched_at) values (?, 0, 3, 38, ?, now())", [(f"m{i}", chunk) for i in range(20)])
    assert data_compressions(con) == {"Uncompressed"}


def test_an_older_film_chunks_table_is_rewritten_uncompressed_once(tmp_path: Path) -> None:
    old = connect(tmp_path / "old.duckdb")
    old.execute("create schema landing")
    old.execute("""create table landing.film_chunks (match_id varchar not null, chunk_index integer not null,
        chunk_type integer not null, film_major_version integer, data blob not null,
        fetched_at timestamptz not null, primary key (match_id, chunk_index))""")
    rows = [(f"m{i}", i % 3, 3, 37 + i % 2, bytes([i]) * 300_000) for i in range(12)]
    old.executemany("insert into landing.film_chunks values (?, ?, ?, ?, ?, timestamptz '2025-01-06 18:00:00+00')",
                    rows)
    assert data_compressions(old) == {"ZSTD"}  # DuckDB's default for these bytes

    ensure_landing_schema(old)
    assert data_compressions(old) == {"Uncompressed"}
    kept = old.execute("select match_id, chunk_index, chunk_type, film_major_version, data"
                       " from landing.film_chunks order by match_id").fetchall()
    assert kept == sorted(rows)
    assert old.execute("select count(*) from landing.match_payload_status where endpoint = 'film_chunk'"
                       " and status = 'landed'").fetchone() == (0,)  # no history listed: no grid
    with pytest.raises(duckdb.ConstraintException):  # the primary key came along
        old.execute("insert into landing.film_chunks (match_id, chunk_index, chunk_type, data, fetched_at)"
                    " values ('m0', 0, 3, 'x', now())")
    table_oid = old.execute("select table_oid from duckdb_tables() where table_name = 'film_chunks'").fetchone()
    ensure_landing_schema(old)  # already uncompressed: not rewritten again
    assert old.execute("select table_oid from duckdb_tables() where table_name = 'film_chunks'").fetchone() == table_oid


def history_item(match_id: str, lifecycle: int, start: str) -> dict:
    return {"MatchId": match_id, "MatchInfo": {"LifecycleMode": lifecycle, "StartTime": start, "EndTime": start}}


def test_schema_is_idempotent_and_complete(con: duckdb.DuckDBPyConnection) -> None:
    ensure_landing_schema(con)
    tables = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'landing' and table_type = 'BASE TABLE'"
    ).fetchall()}
    assert tables == set(LANDING_TABLES)
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'landing' and table_name = 'film_chunks' order by ordinal_position"
    ).fetchall()
    assert columns == [
        ("match_id", "VARCHAR"), ("chunk_index", "INTEGER"), ("chunk_type", "INTEGER"),
        ("film_major_version", "INTEGER"), ("data", "BLOB"), ("fetched_at", "TIMESTAMP WITH TIME ZONE"),
        ("landing_seq", "BIGINT"),
    ]


def test_writer_commits_in_batches_and_upserts(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    writer = LandingWriter(con, batch_size=3)
    writer.match_stats("m1", '{"v": 1}')
    writer.match_stats("m2", '{"v": 1}')
    # Not yet committed: another connection to the same file sees nothing.
    assert con.execute("select count(*) from landing.match_stats").fetchone() == (0,)
    writer.match_stats("m1", '{"v": 2}')  # third row triggers the commit; m1 is replaced
    assert writer.pending == 0
    rows = con.execute("select match_id, payload::varchar from landing.match_stats order by 1").fetchall()
    assert rows == [("m1", '{"v": 2}'), ("m2", '{"v": 1}')]
    writer.film_chunk("m1", 26, 3, 38, b"\x78\x9c\x00")
    assert writer.flush() == 1
    assert con.execute("select data from landing.film_chunks").fetchone() == (b"\x78\x9c\x00",)


def test_payload_status_explains_each_gap(con: duckdb.DuckDBPyConnection) -> None:
    writer = LandingWriter(con)
    writer.history_item("2535445291321133", "mm", history_item("mm", 3, "2025-01-02T00:00:00Z"))
    writer.history_item("2535445291321133", "cu", history_item("cu", 1, "2025-01-01T00:00:00Z"))
    writer.match_stats("mm", json.dumps({"Players": []}))
    writer.attempt("film_manifest", "mm", outcome="not_found", http_status=404, terminal=True)
    writer.attempt("match_stats", "cu", outcome="failed", http_status=503)
    writer.flush()
    status = dict(
        ((m, e), s) for m, e, s in con.execute(
            "select match_id, endpoint, status from landing.match_payload_status"
        ).fetchall()
    )
    assert status == {
        ("mm", "match_stats"): "landed",
        ("mm", "match_skill"): "missing",
        ("mm", "film_manifest"): "failed_terminal",
        ("mm", "film_chunk"): "not_applicable",  # the film expired: nothing to download
        ("cu", "match_stats"): "failed",
        ("cu", "match_skill"): "not_applicable",  # custom game: no skill
        ("cu", "film_manifest"): "missing",
        ("cu", "film_chunk"): "missing",
    }
    needs = landed.matches_needing_payloads(con, "2535445291321133")
    assert [(n.match_id, sorted(n.needs)) for n in needs] == [
        ("mm", ["match_skill"]),
        ("cu", ["film_chunk", "film_manifest", "match_stats"]),
    ]
    # Terminal failures come back only when asked for.
    retry = landed.matches_needing_payloads(con, "2535445291321133", retry_failed=True)
    assert sorted(retry[0].needs) == ["film_manifest", "match_skill"]


def test_a_later_success_clears_an_earlier_failure(con: duckdb.DuckDBPyConnection) -> None:
    writer = LandingWriter(con)
    writer.history_item("2535445291321133", "m", history_item("m", 3, "2025-01-02T00:00:00Z"))
    writer.attempt("match_stats", "m", outcome="failed", http_status=500)
    writer.flush()
    writer.match_stats("m", "{}")
    writer.flush()
    row = con.execute(
        "select status, http_status from landing.match_payload_status where endpoint = 'match_stats'"
    ).fetchone()
    assert row == ("landed", None)


def test_human_xuids_skip_bots_and_duplicates() -> None:
    stats = {"Players": [
        {"PlayerId": "xuid(2535445291321133)"}, {"PlayerId": "bid(41.0)"},
        {"PlayerId": "xuid(2535445291321133)"}, {"PlayerId": "xuid(123)"},
        {"PlayerId": "xuid(2533274823110022)"},
    ]}
    assert human_xuids(stats) == ["2535445291321133", "2533274823110022"]


def test_landed_human_xuids_reads_every_payload(con: duckdb.DuckDBPyConnection) -> None:
    payload = recorded.response("get_match_stats_stockpile.json").read_text()
    writer = LandingWriter(con)
    writer.match_stats("s", payload)
    writer.flush()
    expected = {p["PlayerId"][5:-1] for p in json.loads(payload)["Players"] if p["PlayerId"].startswith("xuid(")}
    assert landed.landed_stats_references(con)[1] == expected
    assert expected  # the stockpile fixture has humans and bots


# -- the landing sequence -----------------------------------------------------------------------
DAY = timedelta(days=1)
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def landing_seqs(con: duckdb.DuckDBPyConnection, table: str, key: str = "match_id") -> dict[str, int]:
    return dict(con.execute(f"select {key}, landing_seq from landing.{table}").fetchall())


def test_landing_seq_follows_the_landing_order_not_the_clock(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The clock goes back a day before every write: fetched_at says the opposite of what happened.
    clock = iter([T0 - i * DAY for i in range(10)])
    monkeypatch.setattr(writer_module, "utc_now", lambda: next(clock))
    writer = LandingWriter(con)
    writer.match_stats("a", "{}")
    writer.flush()
    writer.match_stats("b", "{}")
    writer.match_skill("b", "{}", [])
    writer.flush()
    first = landing_seqs(con, "match_stats")
    assert first["a"] < first["b"]
    assert landing_seqs(con, "match_skill")["b"] > first["b"]  # one sequence for every table

    writer.match_stats("a", '{"v": 2}')  # a re-fetch, two days "earlier" than b by the clock
    writer.flush()
    again = landing_seqs(con, "match_stats")
    assert again["a"] > max(first["b"], landing_seqs(con, "match_skill")["b"])
    assert again["b"] == first["b"]  # untouched rows keep theirs
    (fetched_a, fetched_b) = (r[0] for r in con.execute(
        "select fetched_at from landing.match_stats order by match_id").fetchall())
    assert fetched_a < fetched_b  # fetched_at keeps the clock's word, as information


def test_the_latest_attempt_and_listing_are_the_latest_landed(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    xuid = "2535445291321133"
    clock = iter([T0, T0, T0 - DAY, T0 - DAY])
    monkeypatch.setattr(writer_module, "utc_now", lambda: next(clock))
    writer = LandingWriter(con)
    writer.history_item(xuid, "m", history_item("m", 3, "2025-01-02T00:00:00Z"))
    writer.attempt("match_stats", "m", outcome="not_found", http_status=404, terminal=True)
    writer.flush()
    # `--retry-failed` a day "earlier": the 404 turned into a retryable 503.
    writer.attempt("match_stats", "m", outcome="failed", http_status=503)
    writer.flush()
    row = con.execute("select status, http_status from landing.match_payload_status"
                      " where endpoint = 'match_stats'").fetchone()
    assert row == ("failed", 503)

    # A complete listing, then an interrupted one started with the clock a day behind: the next
    # run must page to the end again (the latest listing did not complete).
    con.execute("insert into landing.history_crawls (run_id, player_xuid, match_type, started_at, complete)"
                " values ('r1', ?, 'all', ?, true)", [xuid, T0])
    assert landed.last_listing_complete(con, xuid, "all")
    con.execute("insert into landing.history_crawls (run_id, player_xuid, match_type, started_at, complete)"
                " values ('r2', ?, 'all', ?, false)", [xuid, T0 - DAY])
    assert not landed.last_listing_complete(con, xuid, "all")


# The landing DDL before landing_seq existed (film chunks compressed by DuckDB's default, as even
# older warehouses have them): what `halo ingest` meets on a warehouse it created before.
OLD_DDL = """
create schema landing;
create table landing.match_stats (match_id varchar not null, payload json not null,
    fetched_at timestamptz not null, primary key (match_id));
create table landing.match_skill (match_id varchar not null, payload json not null,
    fetched_at timestamptz not null, requested_xuids varchar[], primary key (match_id));
create table landing.film_chunks (match_id varchar not null, chunk_index integer not null,
    chunk_type integer not null, film_major_version integer, data blob not null,
    fetched_at timestamptz not null, primary key (match_id, chunk_index));
create table landing.fetch_attempts (endpoint varchar not null, key varchar not null,
    attempted_at timestamptz not null, http_status integer, error varchar,
    attempts integer not null default 1, outcome varchar not null,
    terminal boolean not null default false, run_id varchar);
create table landing.tracked_players (xuid varchar not null, gamertag varchar,
    added_at timestamptz not null, friends varchar[] not null default [], primary key (xuid));
"""


def old_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """Rows landed in this (clock) order: s2, k1, c1, s1, a1 (an attempt), s3."""
    old = connect(path)
    old.execute(OLD_DDL)
    at = {name: T0 + i * timedelta(minutes=1) for i, name in enumerate(["s2", "k1", "c1", "s1", "a1", "s3"])}
    old.executemany("insert into landing.match_stats values (?, '{}', ?)",
                    [("s1", at["s1"]), ("s3", at["s3"]), ("s2", at["s2"])])
    old.execute("insert into landing.match_skill values ('k1', '{}', ?, ['2535445291321133'])", [at["k1"]])
    old.execute("insert into landing.film_chunks values ('c1', 5, 3, 38, ?, ?)", [b"\x78\x9c" * 1000, at["c1"]])
    old.execute("insert into landing.fetch_attempts (endpoint, key, attempted_at, outcome) values"
                " ('match_stats', 'x', ?, 'failed')", [at["a1"]])
    old.execute("insert into landing.tracked_players values ('2535445291321133', 'Someone', ?, [])", [T0])
    return old


def test_an_older_warehouse_is_numbered_in_landing_order_once(tmp_path: Path) -> None:
    old = old_warehouse(tmp_path / "old.duckdb")
    ensure_landing_schema(old)
    numbered = old.execute("""
        select key from (
            select match_id as key, landing_seq from landing.match_stats
            union all select match_id, landing_seq from landing.match_skill
            union all select match_id, landing_seq from landing.film_chunks
            union all select 'a1', landing_seq from landing.fetch_attempts
        ) order by landing_seq""").fetchall()
    assert [k for (k,) in numbered] == ["s2", "k1", "c1", "s1", "a1", "s3"]
    assert old.execute("select min(landing_seq), max(landing_seq) from (select landing_seq from landing.match_stats"
                       " union all select landing_seq from landing.fetch_attempts)").fetchone() == (1, 6)
    # Rows, keys and the film bytes' storage came along; tables without a sequence are untouched.
    assert old.execute("select requested_xuids from landing.match_skill").fetchone() == (["2535445291321133"],)
    assert data_compressions(old) == {"Uncompressed"}
    assert old.execute("select gamertag from landing.tracked_players").fetchone() == ("Someone",)
    with pytest.raises(duckdb.ConstraintException):
        old.execute("insert into landing.match_stats (match_id, payload, fetched_at) values ('s1', '{}', now())")

    # New landings continue the sequence, whatever their clock; a second open changes nothing.
    writer = LandingWriter(old)
    writer.match_stats("s4", "{}")
    writer.flush()
    assert landing_seqs(old, "match_stats")["s4"] > 6
    oids = old.execute("select table_name, table_oid from duckdb_tables() where schema_name = 'landing'").fetchall()
    ensure_landing_schema(old)
    assert old.execute("select table_name, table_oid from duckdb_tables() where schema_name = 'landing'"
                       ).fetchall() == oids


def test_the_upgrade_is_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = old_warehouse(tmp_path / "old.duckdb")
    real_rebuild = upgrade._rebuild
    rebuilt: list[str] = []

    def failing_rebuild(con: duckdb.DuckDBPyConnection, table: LandingTable, *, numbered: bool) -> None:
        if rebuilt:  # the second table fails, after the first was rebuilt
            raise duckdb.IOException("disk full (injected)")
        real_rebuild(con, table, numbered=numbered)
        rebuilt.append(table.name)

    monkeypatch.setattr(upgrade, "_rebuild", failing_rebuild)
    with pytest.raises(duckdb.IOException, match="injected"):
        ensure_landing_schema(old)
    assert rebuilt == ["match_stats"]
    columns = {r[0] for r in old.execute("select table_name from duckdb_columns()"
                                         " where schema_name = 'landing' and column_name = 'landing_seq'").fetchall()}
    assert not columns & {"match_stats", "match_skill", "film_chunks", "fetch_attempts"}
    assert old.execute("select count(*) from landing.match_stats").fetchone() == (3,)

    monkeypatch.setattr(upgrade, "_rebuild", real_rebuild)
    ensure_landing_schema(old)  # the next open upgrades it all (the sequence's draws are not undone)
    seqs = landing_seqs(old, "match_stats")
    assert seqs["s2"] < seqs["s1"] < seqs["s3"] and seqs["s3"] - seqs["s2"] == 5
