"""The benchmarks' own machinery, kept honest in a few seconds (the benchmarks are `make bench`).

* The synthetic warehouse (``python -m bench.synth``) lands exactly what the ingester lands from the
  fake API for the same career, and ``--add`` what it lands from the career's continuation: same
  keys in every landing table, byte-identical payloads and chunks. The same seed lands the same
  rows; added matches are newer than everything landed; bad arguments are one clear error.
* The shipped pacer never lets a server token bucket at its own rate (burst 2) refuse a send, even
  with the event loop stalling.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import duckdb
import pytest

# bench/ is not an installed package (it is not shipped): pytest's pythonpath has the checkout.
from bench import pacing_precision
from bench.career_growth import continue_career
from bench.synth import add, create, main
from fake_halo import Career, CareerSpec, FakeHaloApi, running
from ingest.api.pacing import HostPacer
from ingest.store.registry import LANDING_TABLES

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.ingest_harness import ingest_once
except ModuleNotFoundError:  # tests/ is a package: the project root is on sys.path
    from tests.support.ingest_harness import ingest_once

SPEC = CareerSpec.scale(2, 40, seed=3)
# table -> (key columns, compared columns)
COMPARED = {
    "match_history": (("player_xuid", "match_id"), ("payload",)),
    "match_stats": (("match_id",), ("payload",)),
    "match_skill": (("match_id",), ("payload", "requested_xuids")),
    "film_manifests": (("match_id",), ("payload",)),
    "film_chunks": (("match_id", "chunk_index"), ("chunk_type", "film_major_version", "data")),
    "ugc_assets": (("asset_kind", "asset_id", "version_id"), ("payload",)),
    "players": (("xuid",), ("payload",)),
    "tracked_players": (("xuid",), ("gamertag",)),
}


def rows(db: Path, table: str) -> dict[tuple, tuple]:
    key, columns = COMPARED[table]
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = con.execute(
            f"select {', '.join(key)}, {', '.join(f'{c}::varchar' if c == 'payload' else c for c in columns)} "
            f"from landing.{table}"
        ).fetchall()
    finally:
        con.close()
    return {row[: len(key)]: row[len(key):] for row in got}


def film_404s(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r[0] for r in con.execute(
            "select key from landing.fetch_attempts where endpoint = 'film_manifest' and http_status = 404 "
            "and terminal"
        ).fetchall()}
    finally:
        con.close()


def test_synthetic_landing_equals_what_the_ingester_lands(tmp_path: Path) -> None:
    ingested, synthetic = tmp_path / "ingested.duckdb", tmp_path / "synthetic.duckdb"
    career = Career(SPEC)
    continue_career(career, 6)  # the fake API serves the career and the 6 matches played since
    with running(FakeHaloApi(career)) as server:
        outcome = ingest_once(server, ingested, [p.gamertag for p in SPEC.players])
    assert outcome.code == 0, outcome.err
    create(synthetic, players=2, matches=40, seed=3, films=None, workers=1)
    add(synthetic, 6, workers=1)
    for table in COMPARED:
        expected, actual = rows(ingested, table), rows(synthetic, table)
        assert expected.keys() == actual.keys(), table
        assert expected == actual, table
    assert len(rows(synthetic, "match_stats")) == 46
    assert film_404s(ingested) == film_404s(synthetic)


def landing_rows(db: Path) -> dict[str, list[tuple]]:
    """Every landing table's rows, sorted, without the columns holding landing times or the landing
    order the store assigns (``landing_seq``: it numbers the inserts, so it follows how they were
    split into loads)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'landing' "
            "and table_type = 'BASE TABLE' order by 1").fetchall()]
        found = {}
        for table in tables:
            columns = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = 'landing' "
                "and table_name = ? and data_type not like 'TIMESTAMP%' order by ordinal_position", [table]
            ).fetchall() if table not in LANDING_TABLES or r[0] in LANDING_TABLES[table].written_column_names]
            select = ", ".join(f"{c}::varchar" if c == "payload" else c for c in columns)
            found[table] = sorted(con.execute(f"select {select} from landing.{table}").fetchall(), key=repr)
        return found
    finally:
        con.close()


def test_the_same_seed_lands_the_same_rows_and_added_matches_are_the_newest(tmp_path: Path) -> None:
    first, second, in_steps = tmp_path / "first.duckdb", tmp_path / "second.duckdb", tmp_path / "steps.duckdb"
    for db in (first, second):
        create(db, players=2, matches=40, seed=3, films=4, workers=1)
        add(db, 5, workers=1)
    expected = landing_rows(first)
    assert expected == landing_rows(second)
    assert len(expected["match_stats"]) == 45 and len(expected["film_chunks"]) > 4  # the added films too
    # Adding 2 then 3 lands the same matches as adding 5 (the continuation does not depend on the count).
    create(in_steps, players=2, matches=40, seed=3, films=4, workers=1)
    add(in_steps, 2, workers=1)
    add(in_steps, 3, workers=1)
    stepped = landing_rows(in_steps)
    assert {t: r for t, r in stepped.items() if t != "history_crawls"} == {
        t: r for t, r in expected.items() if t != "history_crawls"
    }
    con = duckdb.connect(str(in_steps), read_only=True)
    try:
        # One landing time per load: the creation, then each --add.
        starts = con.execute(
            "select fetched_at, min(cast(payload->>'$.MatchInfo.StartTime' as timestamptz)),"
            " max(cast(payload->>'$.MatchInfo.StartTime' as timestamptz)), count(*) "
            "from landing.match_stats group by fetched_at order by fetched_at"
        ).fetchall()
        assert con.execute("select players, matches, seed, films, added from bench_synth.career").fetchall() == [
            (2, 40, 3, 4, 5)
        ]
    finally:
        con.close()
    assert [n for *_, n in starts] == [40, 2, 3]
    for earlier, later in zip(starts, starts[1:], strict=False):
        assert earlier[2] < later[1]  # each load is newer than everything landed before it


@pytest.mark.parametrize(("argv", "message"), [
    (["--add", "3"], "no warehouse at {db}: create one with --matches N first"),
    (["--matches", "10", "--add", "3"], "give --matches N (a new warehouse) or --add M (newer matches), not both"),
    (["--matches", "1", "--players", "2"], "--matches must be at least --players (2), got 1"),
    (["--matches", "10", "--films", "many"], "argument --films: a count or 'all', got 'many'"),
])
def test_bad_arguments_are_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           argv: list[str], message: str) -> None:
    db = tmp_path / "missing.duckdb"
    with pytest.raises(SystemExit) as stop:
        main(["--db", str(db), *argv])
    assert stop.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == f"python -m bench.synth: error: {message.format(db=db)}"
    assert not db.exists()


def test_existing_files_are_kept_and_foreign_ones_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "other.duckdb"
    duckdb.connect(str(db)).close()  # a warehouse bench.synth did not make
    for argv, message in (
        (["--add", "2"], f"{db} is not a finished synthetic warehouse (no bench_synth.career record): "
                         "create one with --matches N"),
        (["--matches", "10"], f"{db} exists: add matches to it with --add M, or pass --replace"),
    ):
        with pytest.raises(SystemExit):
            main(["--db", str(db), *argv])
        assert capsys.readouterr().err.strip().splitlines()[-1] == f"python -m bench.synth: error: {message}"


@pytest.mark.parametrize("tolerance", [0.0, 0.5])
def test_pacer_never_bursts_past_a_token_bucket_at_its_rate(monkeypatch: pytest.MonkeyPatch, tolerance: float) -> None:
    monkeypatch.setattr(pacing_precision, "SECONDS", 1.5)
    sends = asyncio.run(pacing_precision._drive(HostPacer(pacing_precision.RATE, tolerance=tolerance), seed=2))
    assert len(sends) > 20
    assert pacing_precision.refused(sends, pacing_precision.RATE, pacing_precision.BURST) == 0


def _step(wall_s: float, peak_mb: int, returncode: int = 0) -> dict[str, float | int]:
    return {"wall_s": wall_s, "peak_rss_mb": peak_mb, "returncode": returncode}


def test_the_growth_table_and_plot_show_every_measured_size(tmp_path: Path) -> None:
    """BENCHMARKS.md's cost curve: seconds per 1,000 matches per size (None where a step failed or
    did not run) and an SVG holding every point, failed runs included, with the 2 GB line."""
    from bench import growth

    points = [
        {"matches": 1_000, "full_build": _step(12.0, 700), "incremental_build": _step(6.0, 500)},
        {"matches": 10_000, "full_build": _step(80.0, 1_900), "incremental_build": _step(9.0, 800)},
        {"matches": 100_000, "full_build": _step(330.0, 2_070, returncode=1)},
    ]
    assert growth.per_thousand(points, "full_build") == [12.0, 8.0, None]
    assert growth.per_thousand(points, "incremental_build") == [6.0, 0.9, None]
    rows = growth.growth_rows(points)
    assert [(r["matches"], r["wall_s"]) for r in rows if r["step"].startswith("full")] == [
        (1_000, 12.0), (10_000, 80.0), (100_000, 330.0)]
    plot = growth.write_plot(points, tmp_path / "growth.svg")
    assert plot is not None
    svg = plot.read_text()
    assert svg.startswith("<svg") and "2 GB budget" in svg and "matches in the warehouse" in svg
    assert growth.write_plot([], tmp_path / "none.svg") is None
