"""The benchmarks' own machinery, kept honest in a few seconds (the benchmarks are `make bench`).

* The synthetic loader (bench/synth.py) lands exactly what the ingester lands from the fake API for
  the same career: same keys in every landing table, byte-identical payloads and chunks.
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
from bench.synth import build_landing
from fake_halo import Career, CareerSpec, FakeHaloApi, running
from ingest.api.pacing import HostPacer

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
    with running(FakeHaloApi(Career(SPEC))) as server:
        outcome = ingest_once(server, ingested, [p.gamertag for p in SPEC.players])
    assert outcome.code == 0, outcome.err
    build_landing(synthetic, SPEC, workers=1)
    for table in COMPARED:
        expected, actual = rows(ingested, table), rows(synthetic, table)
        assert expected.keys() == actual.keys(), table
        assert expected == actual, table
    assert film_404s(ingested) == film_404s(synthetic)


def test_held_back_matches_are_the_newest(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    report, _, batches = build_landing(db, SPEC, hold_back=(5,), workers=1)
    assert report.matches == 35 and [len(b) for b in batches] == [5]
    con = duckdb.connect(str(db), read_only=True)
    try:
        [(newest_landed_ms,)] = con.execute(
            "select max(epoch_ms(cast(payload->>'$.MatchInfo.StartTime' as timestamptz))) from landing.match_stats"
        ).fetchall()
    finally:
        con.close()
    assert newest_landed_ms < min(m.start_ms for m in batches[0])


@pytest.mark.parametrize("tolerance", [0.0, 0.5])
def test_pacer_never_bursts_past_a_token_bucket_at_its_rate(monkeypatch: pytest.MonkeyPatch, tolerance: float) -> None:
    monkeypatch.setattr(pacing_precision, "SECONDS", 1.5)
    sends = asyncio.run(pacing_precision._drive(HostPacer(pacing_precision.RATE, tolerance=tolerance), seed=2))
    assert len(sends) > 20
    assert pacing_precision.refused(sends, pacing_precision.RATE, pacing_precision.BURST) == 0
