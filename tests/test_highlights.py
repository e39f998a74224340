"""analytics.highlights.decode_chunks: what the warehouse's decode model stores per chunk.

Expected values come from fake_halo/data/NOTICE.md, the bit-by-bit reference decoder
(bench/film_reference.py) and hand-built chunks, never from the function under test.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

import polars as pl
import pyarrow as pa
import pytest

from analytics.highlights import (
    ARROW_OUTPUT_SCHEMA,
    CHUNK_SCHEMA,
    OUTPUT_SCHEMA,
    decode_chunks,
    decode_record_batches,
)
from bench.film_reference import decode_reference
from fake_halo import recorded

V38 = recorded.film("38_63391382-6b88-43f9-9ff4-6313404c419c.gzip").read_bytes()
V37 = recorded.film("highlight_events.gzip").read_bytes()
LANDED = datetime(2025, 1, 6, 18, 0, tzinfo=UTC)
LANDING_SEQ = 41


def chunks(*rows: tuple[str, int | None, bytes]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "match_id": [r[0] for r in rows],
            "chunk_index": [26] * len(rows),
            "film_major_version": [r[1] for r in rows],
            "data": [r[2] for r in rows],
            "fetched_at": [LANDED] * len(rows),
            "landing_seq": [LANDING_SEQ + i for i in range(len(rows))],
        },
        schema=CHUNK_SCHEMA,
    )


def by_match(decoded: pl.DataFrame) -> dict[str, dict]:
    return {row["match_id"]: row for row in decoded.iter_rows(named=True)}


def test_one_row_per_chunk_with_the_output_schema_in_input_order() -> None:
    decoded = decode_chunks(chunks(("b", 37, V37), ("a", 38, V38)))
    assert decoded.schema == pl.Schema(OUTPUT_SCHEMA)
    assert decoded["match_id"].to_list() == ["b", "a"]
    empty = decode_chunks(pl.DataFrame(schema=CHUNK_SCHEMA))
    assert empty.height == 0 and empty.schema == pl.Schema(OUTPUT_SCHEMA)


def test_counts_are_the_notice_counts_and_events_the_reference_events() -> None:
    row = by_match(decode_chunks(chunks(("a", 38, V38))))["a"]
    # NOTICE.md, v38: kill 203, death 203, mode 149, medal 85.
    assert (row["kill_events"], row["death_events"], row["mode_events"], row["medal_events"]) == (
        203, 203, 149, 85)
    assert row["event_count"] == 640 == len(row["events"])
    assert (row["decode_error"], row["skipped_records"], row["first_skip_reason"]) == (None, 0, None)
    assert (row["chunk_bytes"], row["chunk_fetched_at"], row["chunk_landing_seq"], row["chunk_index"]) == (
        len(V38), LANDED, LANDING_SEQ, 26)
    reference = decode_reference(V38, 38)
    assert [
        (e["event_seq"], e["xuid"], e["gamertag"], e["event_type"], e["time_ms"], e["medal_code"])
        for e in row["events"]
    ] == [
        (i, str(r["xuid"]), r["gamertag"], r["event_type"], r["time_ms"], r["medal_code"])
        for i, r in enumerate(reference)
    ]


def test_pairs_are_computed_with_the_tolerance_and_recorded() -> None:
    exact = by_match(decode_chunks(chunks(("a", 38, V38)), tolerance_ms=0))["a"]
    loose = by_match(decode_chunks(chunks(("a", 38, V38)), tolerance_ms=5))["a"]
    # In the recorded v38 film, 194 of the 203 kill timestamps coincide with a death event.
    assert (exact["pair_count"], exact["pair_tolerance_ms"]) == (194, 0)
    assert (loose["pair_count"], loose["pair_tolerance_ms"]) == (203, 5)
    assert all(p["delta_ms"] == 0 for p in exact["pairs"])
    assert [p["kill_seq"] for p in loose["pairs"]] == list(range(203))
    assert decode_chunks(chunks(("a", 38, V38)), tolerance_ms=-3)["pair_tolerance_ms"].to_list() == [0]


def test_v37_chunk_has_six_events_and_no_pairs() -> None:
    row = by_match(decode_chunks(chunks(("m", 37, V37))))["m"]
    # NOTICE.md: mode @24 s, kill @29 s, death @51 s, kill @70 s, medal @70 s, mode @70 s.
    assert [(e["event_type"], round(e["time_ms"] / 1000)) for e in row["events"]] == [
        ("mode", 24), ("kill", 29), ("death", 51), ("kill", 70), ("medal", 70), ("mode", 70)]
    assert (row["pair_count"], row["pairs"]) == (0, [])


@pytest.mark.parametrize(
    ("version", "data", "error"),
    [
        (38, V38[: len(V38) // 3], "truncated zlib stream"),
        (38, b"\x00garbage" * 10, "corrupt zlib stream"),
        (38, b"", "empty film chunk"),
        (38, V38 + b"tail", "unexpected bytes after the end"),
        (None, V38, "film major version unknown"),
        (0, V38, "invalid film major version 0"),
    ],
)
def test_a_bad_chunk_is_a_row_with_its_error_and_no_events(version, data, error) -> None:
    decoded = by_match(decode_chunks(chunks(("bad", version, data), ("good", 37, V37))))
    bad = decoded["bad"]
    assert error in bad["decode_error"]
    assert (bad["event_count"], bad["pair_count"], bad["events"], bad["pairs"]) == (0, 0, [], [])
    assert decoded["good"]["decode_error"] is None and decoded["good"]["event_count"] == 6


def test_a_valid_stream_without_events_is_done_not_an_error() -> None:
    row = by_match(decode_chunks(chunks(("quiet", 38, zlib.compress(b"no events here")))))["quiet"]
    assert (row["decode_error"], row["event_count"], row["pair_count"]) == (None, 0, 0)


def test_an_undecodable_record_is_skipped_and_counted() -> None:
    inflated = bytearray(zlib.decompress(V37))
    reference = decode_reference(V37, 37)
    # Overwrite the type-hint byte (record byte 47) of the 3rd event with an unclassifiable 77.
    bits = int.from_bytes(inflated, "big")
    total = len(inflated) * 8
    hint_start = reference[2]["record_bit_offset"] + 47 * 8
    shift = total - hint_start - 8
    bits = (bits & ~(0xFF << shift)) | (77 << shift)
    broken = zlib.compress(bits.to_bytes(len(inflated), "big"))
    row = by_match(decode_chunks(chunks(("m", 37, broken))))["m"]
    assert (row["decode_error"], row["skipped_records"], row["event_count"]) == (None, 1, 5)
    assert "77" in row["first_skip_reason"]
    assert [e["event_seq"] for e in row["events"]] == [0, 1, 2, 3, 4]


def test_two_chunks_for_one_match_are_refused() -> None:
    with pytest.raises(ValueError, match="more than one highlight chunk"):
        decode_chunks(chunks(("m", 37, V37), ("m", 38, V38)))


def test_missing_columns_are_refused() -> None:
    with pytest.raises(ValueError, match="missing chunk columns: data"):
        decode_chunks(chunks(("m", 37, V37)).drop("data"))


def test_players_are_the_distinct_xuid_gamertag_pairs_in_order_of_appearance() -> None:
    row = by_match(decode_chunks(chunks(("a", 38, V38))))["a"]
    expected: list[tuple[str, str]] = []
    for event in decode_reference(V38, 38):
        pair = (str(event["xuid"]), event["gamertag"])
        if pair not in expected:
            expected.append(pair)
    assert [(p["xuid"], p["gamertag"]) for p in row["players"]] == expected and len(expected) == 8
    bad = by_match(decode_chunks(chunks(("bad", 38, b""))))["bad"]
    assert bad["players"] == []


def test_streamed_batches_equal_one_decode_of_every_chunk() -> None:
    """decode_record_batches, as the dbt model consumes it: batch by batch, Arrow out, the same rows
    (and the same schema, in Arrow form) as decode_chunks over all the chunks at once."""
    frame = chunks(("a", 38, V38), ("b", 37, V37), ("c", 38, b"not zlib"), ("d", None, V38))
    batches = frame.to_arrow().to_batches(max_chunksize=2)
    assert len(batches) == 2
    empty = pa.RecordBatch.from_pylist([], schema=batches[0].schema)
    streamed = list(decode_record_batches([batches[0], empty, batches[1]]))
    assert all(batch.schema == ARROW_OUTPUT_SCHEMA for batch in streamed)
    as_frame = pl.from_arrow(pa.Table.from_batches(streamed, schema=ARROW_OUTPUT_SCHEMA))
    whole = decode_chunks(frame)
    assert as_frame.schema == whole.schema
    assert as_frame.to_dicts() == whole.to_dicts()
    assert as_frame["event_count"].to_list() == [640, 6, 0, 0]


def test_streaming_decodes_nothing_before_it_is_asked() -> None:
    pulled: list[int] = []

    def source():
        for index, batch in enumerate(chunks(("a", 38, V38), ("b", 37, V37)).to_arrow().to_batches(1)):
            pulled.append(index)
            yield batch

    stream = decode_record_batches(source())
    assert pulled == []
    first = next(stream)
    assert pulled == [0] and first.column("match_id").to_pylist() == ["a"]
    assert [b.column("match_id").to_pylist() for b in stream] == [["b"]] and pulled == [0, 1]
