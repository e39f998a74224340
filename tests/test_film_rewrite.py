"""rewrite_players: substituted players decode back, nothing else changes, bad mappings refused."""

from __future__ import annotations

import dataclasses
import zlib
from collections import Counter
from functools import cache

import pytest

from analytics.film import FilmDecodeError, decode_highlight_events
from bench.film_reference import decode_reference
from fake_halo.film_rewrite import rewrite_players
from fake_halo.recorded import FILMS_DIR as FILM_DIR

ACURTIS = 2535445291321133  # in the 36, 38 and 40 films (NOTICE.md)
TWINING = 2535469531821339  # TwiningIsland83, in the 30, 33, 36, 37, 38 and 40 films
NEW_A = (2_900_000_000_000_001, "Synthetic Alpha")
NEW_B = (2_100_000_000_000_002, "ABCDEFGHIJKLMNOP")  # exactly 16 code units


@cache
def chunk(version: int) -> bytes:
    (path,) = FILM_DIR.glob(f"{version}_*.gzip")
    return path.read_bytes()


def substituted(events: list[dict], mapping: dict[int, tuple[int, str]]) -> list[dict]:
    out = []
    for event in events:
        new = mapping.get(event["xuid"])
        out.append(event if new is None else {**event, "xuid": new[0], "gamertag": new[1]})
    return out


def changed_bits(before: bytes, after: bytes) -> int:
    return int.from_bytes(before, "big") ^ int.from_bytes(after, "big")


def field_mask(total_bits: int, start: int, width: int) -> int:
    return ((1 << width) - 1) << (total_bits - start - width)


@pytest.mark.parametrize("version", [38, 40])
def test_rewrite_substitutes_players_and_changes_nothing_else(version: int) -> None:
    mapping = {ACURTIS: NEW_A, TWINING: NEW_B}
    original = decode_reference(chunk(version), version)
    rewritten = rewrite_players(chunk(version), version, mapping)

    expected = substituted(original, mapping)
    assert decode_reference(rewritten, version) == expected
    decoded = [dataclasses.asdict(e) for e in decode_highlight_events(rewritten, version)]
    assert decoded == [{k: v for k, v in e.items() if k != "medal_name"} for e in expected]  # codes, no names
    assert Counter(e["event_type"] for e in decoded) == Counter(e["event_type"] for e in original)
    assert {NEW_A[0], NEW_B[0]} <= {e["xuid"] for e in decoded}
    assert not {ACURTIS, TWINING} & {e["xuid"] for e in decoded}

    # Bit identity outside the rewritten fields: xuid (64 bits) and gamertag (256 bits, 12
    # bytes into the record for versions 39-40), positions taken from the reference decoder.
    before, after = zlib.decompress(chunk(version)), zlib.decompress(rewritten)
    assert len(before) == len(after)
    total_bits = len(before) * 8
    gamertag_at = 96 if version in (39, 40) else 0
    allowed = 0
    for event in original:
        if event["xuid"] in mapping:
            allowed |= field_mask(total_bits, event["bit_offset"], 64)
            allowed |= field_mask(total_bits, event["record_bit_offset"] + gamertag_at, 256)
    diff = changed_bits(before, after)
    assert diff != 0
    assert diff & ~allowed == 0


def test_swap_and_rename_in_place() -> None:
    acurtis_name = "aCurtis X89"
    twining_name = "TwiningIsland83"
    mapping = {ACURTIS: (TWINING, acurtis_name), TWINING: (ACURTIS, twining_name)}
    events = decode_highlight_events(rewrite_players(chunk(36), 36, mapping), 36)
    original = decode_highlight_events(chunk(36), 36)
    assert [(e.xuid, e.gamertag) for e in events] == [
        (mapping[o.xuid][0], o.gamertag) if o.xuid in mapping else (o.xuid, o.gamertag)
        for o in original
    ]
    renamed = decode_highlight_events(
        rewrite_players(chunk(36), 36, {ACURTIS: (ACURTIS, "Renamed")}), 36
    )
    assert {e.gamertag for e in renamed if e.xuid == ACURTIS} == {"Renamed"}


def test_empty_mapping_reproduces_the_stream_as_a_level_3_zlib_chunk() -> None:
    rewritten = rewrite_players(chunk(37), 37, {})
    assert zlib.decompress(rewritten) == zlib.decompress(chunk(37))
    assert rewritten[:2] == chunk(37)[:2] == b"\x78\x5e"  # zlib header of levels 2-5


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({ACURTIS: (2 * 10**15, "Edge")}, "outside the decodable range"),
        ({ACURTIS: (3 * 10**15, "Edge")}, "outside the decodable range"),
        ({ACURTIS: (12345, "Small")}, "outside the decodable range"),
        ({ACURTIS: (NEW_A[0], "ABCDEFGHIJKLMNOPQ")}, "17 UTF-16 code units"),
        ({ACURTIS: (NEW_A[0], "ABCDEFGHIJKLMNO\U0001f600")}, "17 UTF-16 code units"),
        ({ACURTIS: (NEW_A[0], "")}, "empty"),
        ({ACURTIS: (NEW_A[0], "Nul\0Name")}, "NUL"),
        ({ACURTIS: NEW_A, TWINING: (NEW_A[0], "Other")}, "both map to"),
        ({ACURTIS: (TWINING, "Clash")}, "already a player"),
        # U+2E00 then U+00E0 put the bytes 00 00 2E E0 (the record terminator) in the gamertag.
        ({ACURTIS: (NEW_A[0], "A\u2e00\u00e0")}, "change how the chunk decodes"),
    ],
)
def test_invalid_mappings_raise_value_error(mapping, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rewrite_players(chunk(38), 38, mapping)


def test_rewrite_of_undecodable_chunk_raises_film_decode_error() -> None:
    with pytest.raises(FilmDecodeError):
        rewrite_players(chunk(38)[:1000], 38, {ACURTIS: NEW_A})
