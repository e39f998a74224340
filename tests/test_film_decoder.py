"""Film highlight-event decoder: facts of the recorded films (NOTICE.md, match stats, medal
metadata), agreement with the bit-by-bit reference decoder, layout rules per version, and error
behaviour. Medal names come from the dbt seed film_medal_codes (the decoder emits codes only)."""

from __future__ import annotations

import dataclasses
import json
import random
import zlib
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from analytics.film import (
    FILM_CHUNK_TYPE_HIGHLIGHTS,
    FilmDecodeError,
    decode_highlight_chunk,
    decode_highlight_events,
    highlight_chunk,
    layout_for_version,
)
from analytics.film_scan import compile_bit_pattern, find_bit_pattern
from bench.film_reference import (
    MARKERS,
    TERMINATOR,
    ReferenceDecodeError,
    bit_text_to_bytes,
    decode_reference,
    seed_medal_names,
    to_bit_text,
)
from fake_halo.recorded import FILMS_DIR as FILM_DIR
from fake_halo.recorded import RESPONSES_DIR as RESPONSES

# fake_halo/data/NOTICE.md: major version -> (first xuid, gamertag, time_ms, kill, death, mode, medal)
NOTICE = {
    30: (2533274796688502, "ColeMiner4", 29375, 60, 60, 104, 21),
    33: (2535469531821339, "TwiningIsland83", 34133, 84, 84, 0, 81),
    36: (2535445291321133, "aCurtis X89", 40241, 105, 105, 77, 48),
    37: (2535415224281334, "YoungStudSZN", 40000, 96, 96, 0, 38),
    38: (2535445291321133, "aCurtis X89", 47053, 203, 203, 149, 85),
    40: (2535445291321133, "aCurtis X89", 57801, 96, 96, 0, 34),
}
ALL_CHUNKS = [*NOTICE, "highlight_events"]


def chunk_path(key: int | str) -> Path:
    if key == "highlight_events":
        return FILM_DIR / "highlight_events.gzip"
    (path,) = FILM_DIR.glob(f"{key}_*.gzip")
    return path


def version_of(key: int | str) -> int:
    return 37 if key == "highlight_events" else int(key)


@cache
def chunk(key: int | str) -> bytes:
    return chunk_path(key).read_bytes()


@cache
def reference_events(key: int | str) -> tuple[dict, ...]:
    return tuple(decode_reference(chunk(key), version_of(key)))


def medal_name(event) -> str | None:
    """The name the seed gives the event's medal code (what fct_film_events shows)."""
    return None if event.medal_code is None else seed_medal_names().get(event.medal_code)


def as_dicts(events) -> list[dict]:
    """Events as the reference decoder gives them: the fields, plus the seed's medal name."""
    return [{**dataclasses.asdict(event), "medal_name": medal_name(event)} for event in events]


@pytest.mark.parametrize("version", sorted(NOTICE))
def test_notice_counts_and_first_event(version: int) -> None:
    xuid, gamertag, time_ms, kills, deaths, modes, medals = NOTICE[version]
    events = decode_highlight_events(chunk(version), version)
    counts = Counter(event.event_type for event in events)
    assert (counts["kill"], counts["death"], counts["mode"], counts["medal"]) == (
        kills,
        deaths,
        modes,
        medals,
    )
    assert (events[0].xuid, events[0].gamertag, events[0].time_ms) == (xuid, gamertag, time_ms)


@pytest.mark.parametrize("key", ALL_CHUNKS)
def test_fast_decoder_equals_bit_by_bit_reference(key: int | str) -> None:
    assert as_dicts(decode_highlight_events(chunk(key), version_of(key))) == list(
        reference_events(key)
    )


def test_highlight_events_chunk_matches_notice_and_match_stats() -> None:
    events = decode_highlight_events(chunk("highlight_events"), 37)
    # NOTICE: mode @24 s, kill @29 s, death @51 s, kill @70 s, medal "Nade Shot" @70 s, mode @70 s
    assert [(e.event_type, round(e.time_ms / 1000)) for e in events] == [
        ("mode", 24),
        ("kill", 29),
        ("death", 51),
        ("kill", 70),
        ("medal", 70),
        ("mode", 70),
    ]
    medal = events[4]
    assert (medal.medal_code, medal.type_hint, medal_name(medal), medal.is_medal) == (
        107,
        100,
        "Nade Shot",
        True,
    )
    assert all(
        e.medal_code is None and medal_name(e) is None for i, e in enumerate(events) if i != 4
    )
    # The paired match stats: one human (xuid(2535445291321133)) with 2 kills, 1 death, 1 medal.
    stats = json.loads((FILM_DIR / "match_stats.json").read_text())
    (human,) = [p for p in stats["Players"] if p["PlayerType"] == 1]
    core = [team["Stats"]["CoreStats"] for team in human["PlayerTeamStats"]]
    assert {e.xuid for e in events} == {int(human["PlayerId"][5:-1])}
    assert Counter(e.event_type for e in events if e.event_type != "mode") == {
        "kill": sum(c["Kills"] for c in core),
        "death": sum(c["Deaths"] for c in core),
        "medal": sum(m["Count"] for c in core for m in c.get("Medals", [])),
    }


def test_oddball_film_counts_agree_with_match_stats_per_human() -> None:
    stats = json.loads((RESPONSES / "get_match_stats_oddball.json").read_text())
    expected = {}
    for player in stats["Players"]:
        if player["PlayerType"] != 1:
            continue
        core = [team["Stats"]["CoreStats"] for team in player["PlayerTeamStats"]]
        expected[int(player["PlayerId"][5:-1])] = (
            sum(c["Kills"] for c in core),
            sum(c["Deaths"] for c in core),
            sum(m["Count"] for c in core for m in c.get("Medals", [])),
        )
    counts = Counter((e.xuid, e.event_type) for e in decode_highlight_events(chunk(38), 38))
    assert len(expected) == 8
    assert {
        xuid: (counts[(xuid, "kill")], counts[(xuid, "death")], counts[(xuid, "medal")])
        for xuid in expected
    } == expected


def test_medal_hints_are_the_metadata_sorting_weights_of_the_named_medal() -> None:
    metadata = json.loads((RESPONSES / "get_medal_metadata.json").read_text())
    weights: dict[str, set[int]] = {}
    for medal in metadata["medals"]:
        weights.setdefault(medal["name"]["value"], set()).add(medal["sortingWeight"])
    medals = [
        e
        for key in ALL_CHUNKS
        for e in decode_highlight_events(chunk(key), version_of(key))
        if e.event_type == "medal"
    ]
    assert len(medals) == sum(v[6] for v in NOTICE.values()) + 1
    assert all(e.type_hint in weights[medal_name(e)] for e in medals)


def test_events_start_at_every_bit_offset_mod_8_and_come_in_stream_order() -> None:
    # Over the recorded films, event starts occur at every bit offset mod 8 (not byte aligned).
    residues = set()
    for key in ALL_CHUNKS:
        events = decode_highlight_events(chunk(key), version_of(key))
        residues |= {e.bit_offset % 8 for e in events}
        assert [e.bit_offset for e in events] == sorted(e.bit_offset for e in events)
    assert residues == set(range(8))


def test_the_seed_names_every_medal_code_the_decoder_emits() -> None:
    # A film medal code is one byte of the record; the seed (SPNKr's table) names 155 of them,
    # among them every code of the recorded films.
    names = seed_medal_names()
    assert len(names) == 155 and all(0 <= code <= 255 for code in names)
    emitted = {
        e.medal_code
        for key in ALL_CHUNKS
        for e in decode_highlight_events(chunk(key), version_of(key))
        if e.event_type == "medal"
    }
    assert emitted and emitted <= set(names)
    assert all(isinstance(name, str) and name for name in names.values())


@pytest.mark.parametrize(
    ("width", "values"), [(24, (0x002DC0, 0x0025C0)), (32, (0x00002EE0,)), (24, (0xABCDEF,))]
)
def test_bit_pattern_search_finds_every_offset_a_naive_search_finds(width, values) -> None:
    # Bytes that are the filter's "prev"/"last" roles, plus 00/FF (75% of real chunks).
    palette = bytes.fromhex("00ff2d25c0e070b8dc5c6e2eb7974b5b16120b090504020117ee77bb5d")
    rng = random.Random(20240101 + width)
    pattern = compile_bit_pattern(width, values)
    needles = [format(v, f"0{width}b") for v in values]
    for _ in range(40):
        stream = bytes(rng.choice(palette) for _ in range(rng.randrange(0, 400)))
        bits = to_bit_text(stream)
        for value in values:  # plant each value at a random bit offset
            start = rng.randrange(0, max(1, len(bits) - width))
            bits = bits[:start] + format(value, f"0{width}b") + bits[start + width :]
        stream = bit_text_to_bytes(bits[: len(bits) - len(bits) % 8])
        bits = to_bit_text(stream)
        naive = sorted(i for i in range(len(bits)) if bits[i : i + width] in needles)
        assert find_bit_pattern(stream, pattern) == naive


# --- layout per major version -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "other_versions"), [(30, (31, 32, 34, 35)), (38, (41, 45, 99))]
)
def test_versions_without_fixture_use_the_standard_layout(fixture: int, other_versions) -> None:
    expected = list(reference_events(fixture))
    for version in other_versions:
        assert as_dicts(decode_highlight_events(chunk(fixture), version)) == expected


def test_versions_39_and_40_use_the_shifted_layout() -> None:
    assert layout_for_version(39) == layout_for_version(40) != layout_for_version(38)
    assert as_dicts(decode_highlight_events(chunk(40), 39)) == list(reference_events(40))
    gamertags_40 = {e["gamertag"] for e in reference_events(40)}
    # The wrong layout reads the 12 leading bytes (or mid-name bytes) as the gamertag.
    assert not {e.gamertag for e in decode_highlight_events(chunk(40), 38)} & gamertags_40
    assert not {e.gamertag for e in decode_highlight_events(chunk(38), 40)} & gamertags_40


@pytest.mark.parametrize(
    ("version", "error"), [(0, ValueError), (-3, ValueError), (True, TypeError)]
)
def test_invalid_major_version(version, error) -> None:
    with pytest.raises(error):
        decode_highlight_events(chunk("highlight_events"), version)


# --- stream errors ------------------------------------------------------------------------


def test_corrupt_stream_raises() -> None:
    with pytest.raises(FilmDecodeError, match="corrupt zlib"):
        decode_highlight_events(b"this is not a zlib stream", 38)
    damaged = bytearray(chunk(37))
    for offset in range(len(damaged) // 2, len(damaged) // 2 + 64):
        damaged[offset] ^= 0x5A
    with pytest.raises(FilmDecodeError, match="corrupt zlib"):
        decode_highlight_events(bytes(damaged), 37)


@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_truncated_stream_raises(keep: float) -> None:
    data = chunk(37)
    with pytest.raises(FilmDecodeError, match="truncated"):
        decode_highlight_events(data[: int(len(data) * keep)], 37)


def test_trailing_bytes_raise() -> None:
    with pytest.raises(FilmDecodeError, match="after the end"):
        decode_highlight_events(chunk("highlight_events") + b"\x00", 37)


def test_empty_input_raises_but_empty_stream_has_no_events() -> None:
    with pytest.raises(FilmDecodeError, match="empty"):
        decode_highlight_events(b"", 38)
    assert decode_highlight_events(zlib.compress(b""), 38) == []
    assert decode_highlight_events(zlib.compress(bytes(5000)), 38) == []


# --- synthetic chunks: record-level problems ----------------------------------------------

XUIDS = (2_600_000_000_000_001, 2_700_000_000_000_002, 2_800_000_000_000_003)


def record(gamertag: str, hint: int, time_ms: int, flag: int = 0, code: int = 0) -> bytes:
    head = gamertag.encode("utf-16-le").ljust(32, b"\0") + bytes(15)
    return (
        head + bytes([hint]) + time_ms.to_bytes(4, "big") + bytes(3) + bytes([flag, 0, 0, 0, code])
    )


def synthetic(events: list[tuple[int, bytes | None]], lead_bits: int) -> tuple[bytes, list[int]]:
    """A zlib chunk: per event xuid, marker, 100 zero bits, record, terminator (None: no record
    and no terminator), 37 zero bits. Returns the chunk and each xuid's bit offset."""
    bits, offsets = "0" * lead_bits, []
    for xuid, rec in events:
        offsets.append(len(bits))
        bits += to_bit_text(xuid.to_bytes(8, "little")) + MARKERS[1] + "0" * 100
        bits += "" if rec is None else to_bit_text(rec) + TERMINATOR
        bits += "0" * 37
    return zlib.compress(bit_text_to_bytes(bits + "0" * (-len(bits) % 8))), offsets


@pytest.mark.parametrize("lead_bits", range(8))
def test_synthetic_events_at_every_shift(lead_bits: int) -> None:
    data, offsets = synthetic(
        [
            (XUIDS[0], record("Alpha", 50, 1000)),
            (XUIDS[1], record("Bravo two", 100, 2500, flag=1, code=107)),
            (10**15, record("NotAnXuid", 50, 2600)),  # out of range: not an event
            (XUIDS[2], record("Charlie", 10, 3100, flag=0, code=2)),
        ],
        lead_bits,
    )
    events = decode_highlight_events(data, 45)
    assert [(e.xuid, e.gamertag, e.event_type, e.time_ms, medal_name(e)) for e in events] == [
        (XUIDS[0], "Alpha", "kill", 1000, None),
        (XUIDS[1], "Bravo two", "medal", 2500, "Nade Shot"),
        (XUIDS[2], "Charlie", "mode", 3100, None),
    ]
    assert [e.bit_offset for e in events] == [offsets[0], offsets[1], offsets[3]]
    assert [e.record_bit_offset for e in events] == [
        o + 64 + 16 + 100 for o in (offsets[0], offsets[1], offsets[3])
    ]


def test_unclassifiable_record_raises_or_is_skipped_and_counted() -> None:
    data, offsets = synthetic(
        [
            (XUIDS[0], record("Alpha", 50, 1000)),
            (XUIDS[1], record("Bravo", 99, 2000)),
            (XUIDS[2], record("Charlie", 20, 3100)),
        ],
        lead_bits=3,
    )
    with pytest.raises(FilmDecodeError, match=rf"bit {offsets[1]} .*unclassifiable.*hint 99"):
        decode_highlight_events(data, 38)
    lenient = decode_highlight_chunk(data, 38, strict=False)
    assert [e.gamertag for e in lenient.events] == ["Alpha", "Charlie"]
    assert [(s.bit_offset, s.xuid) for s in lenient.skipped] == [(offsets[1], XUIDS[1])]
    assert "unclassifiable" in lenient.skipped[0].reason


def test_record_without_terminator_raises_or_is_skipped() -> None:
    data, offsets = synthetic([(XUIDS[0], record("Alpha", 50, 1000)), (XUIDS[1], None)], 5)
    with pytest.raises(FilmDecodeError, match="no record terminator"):
        decode_highlight_events(data, 38)
    lenient = decode_highlight_chunk(data, 38, strict=False)
    assert [e.gamertag for e in lenient.events] == ["Alpha"]
    assert [s.bit_offset for s in lenient.skipped] == [offsets[1]]
    assert decode_highlight_events(data, 38, strict=False) == list(lenient.events)


def test_time_forming_a_terminator_ends_the_record_early_in_both_decoders() -> None:
    # 0x2EE0 = 12000: a time_ms of 3000 = 12000 / 4 after hint 20 reads, 2 bits earlier, as
    # 0x00002EE0. The rules take the first terminator, so the record is misread (hint 0) by the
    # reference rules too: the fast decoder must not "fix" this silently.
    data, offsets = synthetic([(XUIDS[0], record("Alpha", 20, 3000))], 0)
    with pytest.raises(ReferenceDecodeError, match="unclassifiable hint 0"):
        decode_reference(data, 38)
    with pytest.raises(FilmDecodeError, match="unclassifiable event: type hint 0"):
        decode_highlight_events(data, 38)


def test_medal_code_missing_from_table_keeps_code_without_name() -> None:
    assert 250 not in seed_medal_names()
    data, _ = synthetic([(XUIDS[0], record("Alpha", 100, 1000, flag=1, code=250))], 0)
    (event,) = decode_highlight_events(data, 38)
    assert (event.event_type, event.medal_code, medal_name(event)) == ("medal", 250, None)


# --- manifest helper ----------------------------------------------------------------------


def test_highlight_chunk_of_recorded_manifest() -> None:
    manifest = json.loads((RESPONSES / "get_film_by_match_id.json").read_text())
    entry = highlight_chunk(manifest)
    assert FILM_CHUNK_TYPE_HIGHLIGHTS == 3
    # The recorded manifest: 27 chunks, the highlight chunk is the last, 124,693 bytes.
    assert (entry["Index"], entry["ChunkType"], entry["ChunkSize"]) == (26, 3, 124_693)
    assert entry["FileRelativePath"] == "/filmChunk26"


def test_highlight_chunk_rejects_other_last_chunk_and_missing_chunks() -> None:
    manifest = json.loads((RESPONSES / "get_film_by_match_id.json").read_text())
    manifest["CustomData"]["Chunks"] = manifest["CustomData"]["Chunks"][:-1]
    with pytest.raises(FilmDecodeError, match="ChunkType 2"):
        highlight_chunk(manifest)
    manifest["CustomData"]["Chunks"] = []
    with pytest.raises(FilmDecodeError, match="no CustomData.Chunks"):
        highlight_chunk(manifest)
    with pytest.raises(FilmDecodeError, match="no CustomData.Chunks"):
        highlight_chunk({"FilmStatusBond": 1})
