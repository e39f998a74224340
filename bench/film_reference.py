"""A deliberately plain bit-by-bit highlight-event decoder: benchmark baseline and test oracle.

No cleverness on purpose: the decompressed chunk becomes a text of '0'/'1' characters, one per
bit, most significant bit of each byte first; every bit offset is tried in order; fields are cut
out of that text. It shares no code with ``analytics.film*``, so agreement between the two is
evidence, not a tautology. Each event also gets the medal name the dbt seed ``film_medal_codes``
gives its code (the only home of film medal names; ``fct_film_events`` joins the same seed).

Rules of the highlight-events chunk:
- candidate: the 8 bits 0x2D or 0x25 then the 8 bits 0xC0, at any bit offset; the 64 bits before
  them, read as a little-endian integer, are the xuid, accepted strictly between 2e15 and 3e15;
- terminator: the first 32 bits 0x00002EE0 starting at or after the xuid's first bit and less
  than 20,000 bits after it; the 60 bytes before it are the record;
- record, versions <= 38 or >= 41: gamertag (32 bytes UTF-16LE, NUL padded), 15 bytes, type
  hint, 4-byte big-endian time_ms, 3 bytes, medal flag, 3 bytes, medal code;
  versions 39-40: 12 bytes, gamertag, 3 bytes, then the same tail from the type hint on;
- medal if flag == 1 and hint is a medal sortingWeight; else hint 10 mode, 20 death, 50 kill;
  anything else is an error.
"""

from __future__ import annotations

import csv
import zlib
from functools import cache
from pathlib import Path
from typing import Any

MEDAL_CODES_SEED = Path(__file__).resolve().parents[1] / "seeds" / "film_medal_codes.csv"
MEDAL_SORTING_WEIGHTS = {
    50,
    51,
    52,
    100,
    101,
    150,
    200,
    205,
    210,
    220,
    225,
    230,
    235,
    240,
    245,
    250,
}
MARKERS = ("00101101" + "11000000", "00100101" + "11000000")  # 0x2D 0xC0, 0x25 0xC0
TERMINATOR = "0000000000000000" + "0010111011100000"  # 0x00002EE0


class ReferenceDecodeError(Exception):
    """The reference decoder refuses the chunk."""


def to_bit_text(data: bytes) -> str:
    return "".join(format(byte, "08b") for byte in data)


def bit_text_to_bytes(bits: str) -> bytes:
    return bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8))


@cache
def seed_medal_names() -> dict[int, str]:
    """Film medal code -> medal name, from the dbt seed."""
    with MEDAL_CODES_SEED.open(newline="", encoding="utf-8") as handle:
        return {int(row["film_medal_code"]): row["medal_name"] for row in csv.DictReader(handle)}


def every_occurrence(text: str, needle: str) -> list[int]:
    """Start of every occurrence of ``needle`` in ``text``, overlapping ones included."""
    found = []
    position = text.find(needle)
    while position != -1:
        found.append(position)
        position = text.find(needle, position + 1)
    return found


def decode_reference(data: bytes, major_version: int) -> list[dict[str, Any]]:
    """Events of a zlib highlight chunk as dicts with the HighlightEvent field names."""
    medal_names = seed_medal_names()
    bits = to_bit_text(zlib.decompress(data))
    gamertag_at = 12 if major_version in (39, 40) else 0

    marker_starts = sorted(every_occurrence(bits, MARKERS[0]) + every_occurrence(bits, MARKERS[1]))
    events = []
    for marker_start in marker_starts:
        xuid_start = marker_start - 64
        if xuid_start < 0:
            continue
        xuid = int.from_bytes(bit_text_to_bytes(bits[xuid_start:marker_start]), "little")
        if not 2 * 10**15 < xuid < 3 * 10**15:
            continue
        # str.find's end is exclusive and the whole 32 bits must fit: last start is +19,999.
        terminator_start = bits.find(TERMINATOR, xuid_start, xuid_start + 20_000 + 31)
        if terminator_start == -1:
            raise ReferenceDecodeError(f"no terminator for the xuid at bit {xuid_start}")
        record_start = terminator_start - 480
        if record_start < 0:
            raise ReferenceDecodeError(f"record before the stream for bit {xuid_start}")
        record = bit_text_to_bytes(bits[record_start:terminator_start])
        events.append(_event(record, gamertag_at, xuid, xuid_start, record_start, medal_names))
    return events


def _event(
    record: bytes,
    gamertag_at: int,
    xuid: int,
    xuid_start: int,
    record_start: int,
    medal_names: dict[int, str],
) -> dict[str, Any]:
    gamertag_field = record[gamertag_at : gamertag_at + 32]
    units = [gamertag_field[i : i + 2] for i in range(0, 32, 2)]
    name_units = units[: units.index(b"\0\0")] if b"\0\0" in units else units
    type_hint = record[47]
    time_ms = int.from_bytes(record[48:52], "big")
    medal_flag = record[55]
    medal_code = record[59]
    if medal_flag == 1 and type_hint in MEDAL_SORTING_WEIGHTS:
        event_type = "medal"
    elif type_hint == 10:
        event_type = "mode"
    elif type_hint == 20:
        event_type = "death"
    elif type_hint == 50:
        event_type = "kill"
    else:
        raise ReferenceDecodeError(f"unclassifiable hint {type_hint} flag {medal_flag}")
    is_medal_event = event_type == "medal"
    return {
        "xuid": xuid,
        "gamertag": b"".join(name_units).decode("utf-16-le"),
        "type_hint": type_hint,
        "is_medal": medal_flag == 1,
        "event_type": event_type,
        "time_ms": time_ms,
        "medal_code": medal_code if is_medal_event else None,
        "medal_name": medal_names.get(medal_code) if is_medal_event else None,
        "bit_offset": xuid_start,
        "record_bit_offset": record_start,
    }
