"""The columnar film decode (analytics.highlights.decode_arrow_batch) and the one greedy pairing
rule it shares with pair_kills (analytics.pairing.pair_sorted).

Expected values are worked out by hand or come from independent code: the bit-by-bit reference
decoder (bench/film_reference.py) and pair_kills run on its events.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pyarrow as pa
import pytest

from analytics.highlights import ARROW_OUTPUT_SCHEMA, decode_arrow_batch
from analytics.pairing import Actor, pair_kills, pair_sorted
from bench.film_reference import decode_reference
from fake_halo import recorded

V38 = recorded.film("38_63391382-6b88-43f9-9ff4-6313404c419c.gzip").read_bytes()
A, B, C = Actor("1", "a"), Actor("2", "b"), Actor("3", "c")
X, Y, Z = Actor("7", "x"), Actor("8", "y"), Actor("9", "z")


def test_pair_sorted_takes_the_nearest_unused_death_within_the_tolerance() -> None:
    kills = [(100, A), (105, B), (200, C)]
    deaths = [(103, X), (104, Y), (300, Z)]
    # 100 -> 103 (3 ms, nearer than 104); 105 -> 104 (103 is used); 200 has none within 5 ms.
    assert pair_sorted(kills, deaths, 5) == [(0, (100, A), (103, X)), (1, (105, B), (104, Y))]
    assert pair_sorted(kills, deaths, 0) == []
    assert pair_sorted([], deaths, 5) == [] and pair_sorted(kills, [], 5) == []


def test_pair_sorted_on_a_tie_keeps_the_earlier_death() -> None:
    assert pair_sorted([(10, A)], [(8, X), (12, Y)], 5) == [(0, (10, A), (8, X))]


def duckdb_like_batch(rows: list[tuple[str, int | None, bytes]]) -> pa.RecordBatch:
    """Chunks as DuckDB hands them over: plain strings and binaries, a UTC timestamp."""
    return pa.RecordBatch.from_pydict(
        {
            "match_id": [r[0] for r in rows],
            "chunk_index": pa.array([26] * len(rows), pa.int32()),
            "film_major_version": pa.array([r[1] for r in rows], pa.int32()),
            "data": pa.array([r[2] for r in rows], pa.binary()),
            "fetched_at": pa.array([datetime(2025, 1, 6, tzinfo=UTC)] * len(rows),
                                   pa.timestamp("us", tz="UTC")),
            "landing_seq": pa.array(range(len(rows)), pa.int64()),
        }
    )


def test_one_chunk_gives_the_reference_players_and_the_pairs_pair_kills_finds() -> None:
    (row,) = decode_arrow_batch(duckdb_like_batch([("m", 38, V38)])).to_pylist()
    reference = decode_reference(V38, 38)
    assert [(p["xuid"], p["gamertag"]) for p in row["players"]] == list(
        dict.fromkeys((str(e["xuid"]), e["gamertag"]) for e in reference)
    )
    events = pl.DataFrame(
        {
            "match_id": ["m"] * len(reference),
            "xuid": [str(e["xuid"]) for e in reference],
            "gamertag": [e["gamertag"] for e in reference],
            "event_type": [e["event_type"] for e in reference],
            "type_hint": [e["type_hint"] for e in reference],
            "time_ms": [e["time_ms"] for e in reference],
        }
    )
    expected = pair_kills(events, tolerance_ms=5).drop("match_id").to_dicts()
    assert row["pairs"] == expected and row["pair_count"] == len(expected) == 203


def test_the_batch_has_the_output_schema_and_rejects_a_match_twice() -> None:
    decoded = decode_arrow_batch(duckdb_like_batch([("a", 38, V38), ("b", None, V38)]))
    assert decoded.schema == ARROW_OUTPUT_SCHEMA
    assert decoded.column("event_count").to_pylist() == [640, 0]
    assert decoded.column("players").to_pylist()[1] == []
    with pytest.raises(ValueError, match=r"more than one highlight chunk for match\(es\): \['a'\]"):
        decode_arrow_batch(duckdb_like_batch([("a", 38, V38), ("a", 38, V38)]))
    with pytest.raises(ValueError, match="missing chunk columns: data"):
        decode_arrow_batch(duckdb_like_batch([("a", 38, V38)]).drop_columns(["data"]))
