"""Decode the highlight events of a film's last chunk (ChunkType 3).

The rules (docs/domain/film.md, decoding), on the decompressed bytes read as one bit
string, most significant bit first:

1. A candidate is a byte 0x2D or 0x25 followed by 0xC0, at any bit offset, whose preceding
   64 bits read as a little-endian integer lie strictly between 2e15 and 3e15: that is the xuid.
2. The record terminator is the first 32-bit pattern 0x00002EE0 that starts within 20,000 bits
   of the xuid's first bit (at or after it); the 60 bytes just before it are the record.
3. The record layout depends on the film major version (see ``film_records``).
"""

from __future__ import annotations

import logging
from bisect import bisect_left

from analytics.film_model import DecodedHighlights, FilmDecodeError, HighlightEvent, SkippedRecord
from analytics.film_records import (
    RECORD_BITS,
    RECORD_BYTES,
    RecordError,
    layout_for_version,
    parse_record,
)
from analytics.film_scan import compile_bit_pattern, find_bit_pattern, read_bits
from analytics.film_stream import inflate_chunk

XUID_BITS = 64
MIN_XUID_EXCLUSIVE = 2 * 10**15
MAX_XUID_EXCLUSIVE = 3 * 10**15
TERMINATOR_SEARCH_BITS = 20_000

# The marker with the byte before it: an accepted xuid's top (last little-endian) byte is 0x00
# because 3e15 < 2**56, so requiring it finds a superset of the candidates with fewer misses.
_MARKER_WINDOW = compile_bit_pattern(24, (0x002DC0, 0x0025C0))
_MARKER_WINDOW_TO_XUID = 8 - XUID_BITS  # window start + this = xuid start
_TERMINATOR = compile_bit_pattern(32, (0x00002EE0,))

_log = logging.getLogger(__name__)


def read_xuid(stream: bytes, bit_offset: int) -> int:
    """The little-endian 64-bit integer starting at ``bit_offset``."""
    return int.from_bytes(read_bits(stream, bit_offset, XUID_BITS).to_bytes(8, "big"), "little")


def decode_inflated(stream: bytes, major_version: int, *, strict: bool = True) -> DecodedHighlights:
    """Decode already-decompressed chunk bytes (see ``decode_highlight_chunk``)."""
    layout = layout_for_version(major_version)
    terminators = find_bit_pattern(stream, _TERMINATOR)
    events: list[HighlightEvent] = []
    skipped: list[SkippedRecord] = []
    for window_start in find_bit_pattern(stream, _MARKER_WINDOW):
        xuid_start = window_start + _MARKER_WINDOW_TO_XUID
        if xuid_start < 0:
            continue
        xuid = read_xuid(stream, xuid_start)
        if not MIN_XUID_EXCLUSIVE < xuid < MAX_XUID_EXCLUSIVE:
            continue
        try:
            record_start = _record_start(terminators, xuid_start)
            record = read_bits(stream, record_start, RECORD_BITS).to_bytes(RECORD_BYTES, "big")
            events.append(parse_record(record, layout, xuid, xuid_start, record_start))
        except RecordError as exc:
            where = f"event at bit {xuid_start} (byte {xuid_start // 8}), xuid {xuid}"
            if strict:
                raise FilmDecodeError(
                    f"{where}: {exc} (film major version {major_version})"
                ) from exc
            skipped.append(SkippedRecord(bit_offset=xuid_start, xuid=xuid, reason=str(exc)))
    return DecodedHighlights(events=tuple(events), skipped=tuple(skipped))


def _record_start(terminators: list[int], xuid_start: int) -> int:
    index = bisect_left(terminators, xuid_start)
    if index == len(terminators) or terminators[index] >= xuid_start + TERMINATOR_SEARCH_BITS:
        raise RecordError(
            f"no record terminator 0x00002EE0 within {TERMINATOR_SEARCH_BITS} bits "
            "(truncated or not an event)"
        )
    record_start = terminators[index] - RECORD_BITS
    if record_start < 0:
        raise RecordError(f"record would start {-record_start} bits before the stream")
    return record_start


def decode_highlight_chunk(
    data: bytes, major_version: int, *, strict: bool = True
) -> DecodedHighlights:
    """Decode a highlight chunk exactly as downloaded (zlib) into events plus skipped records.

    Stream-level problems always raise FilmDecodeError: empty input (nothing was downloaded),
    corrupt or truncated zlib, trailing bytes. A valid stream with no events (including one that
    inflates to nothing) gives zero events.

    One bad record (no terminator in range, unclassifiable type hint/medal flag, gamertag not
    UTF-16) raises FilmDecodeError when ``strict`` (the reference behaviour, the default: a
    format change should stop the line, not thin the data). With ``strict=False`` the record is
    skipped and reported in ``skipped`` so a warehouse can load the rest and count the losses.
    """
    return decode_inflated(inflate_chunk(data), major_version, strict=strict)


def decode_highlight_events(
    data: bytes, major_version: int, *, strict: bool = True
) -> list[HighlightEvent]:
    """The events of a highlight chunk (zlib, as downloaded), in stream = time order.

    Same rules and errors as ``decode_highlight_chunk``; with ``strict=False`` skipped records
    are logged as a warning (use ``decode_highlight_chunk`` to count them).
    """
    decoded = decode_highlight_chunk(data, major_version, strict=strict)
    if decoded.skipped:
        _log.warning(
            "skipped %d undecodable highlight record(s); first: bit %d, %s",
            len(decoded.skipped),
            decoded.skipped[0].bit_offset,
            decoded.skipped[0].reason,
        )
    return list(decoded.events)
