"""Rewrite the players named in a highlight chunk (for synthetic films in the fake API)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace

from analytics.film_decode import (
    MAX_XUID_EXCLUSIVE,
    MIN_XUID_EXCLUSIVE,
    XUID_BITS,
    decode_inflated,
)
from analytics.film_model import FilmDecodeError, HighlightEvent
from analytics.film_records import GAMERTAG_BYTES, layout_for_version
from analytics.film_stream import inflate_chunk

# The recorded chunks are exactly zlib level-3 output (header 78 5E): the same level keeps
# rewritten chunks like real ones (same size class; an empty mapping gives the input back).
RECOMPRESS_LEVEL = 3
_CHANGES_DECODING = (
    "the new xuids/gamertags would change how the chunk decodes (they form a marker or a "
    "record terminator); choose other values"
)


@dataclass(frozen=True, slots=True)
class _NewIdentity:
    xuid: int
    gamertag: str
    xuid_field: int  # the xuid as its 64 stream bits (little endian)
    gamertag_field: int  # the gamertag as its 256 stream bits (UTF-16LE, NUL padded)


def rewrite_players(data: bytes, major_version: int, mapping: dict[int, tuple[int, str]]) -> bytes:
    """A new zlib chunk in which every event of an xuid in ``mapping`` names the new xuid and
    gamertag; every other bit of the decompressed stream is unchanged.

    ``mapping`` is old xuid -> (new xuid, new gamertag). Substitution is simultaneous (swaps are
    fine). Raises ValueError if a new xuid is outside (2e15, 3e15), two players would get the
    same xuid, a gamertag is empty, contains NUL or exceeds 16 UTF-16 code units, or the new
    bits would change how the chunk decodes (e.g. a gamertag containing the record terminator).
    Raises FilmDecodeError if ``data`` does not decode strictly.
    """
    identities = _validated(mapping)
    layout = layout_for_version(major_version)
    stream = inflate_chunk(data)
    original = decode_inflated(stream, major_version, strict=True).events
    kept_xuids = {event.xuid for event in original} - identities.keys()
    for old_xuid, identity in identities.items():
        if identity.xuid in kept_xuids:
            raise ValueError(
                f"new xuid {identity.xuid} for {old_xuid} is already a player in this chunk"
            )

    rewritten = bytearray(stream)
    expected: list[HighlightEvent] = []
    for event in original:
        identity = identities.get(event.xuid)
        if identity is None:
            expected.append(event)
            continue
        _write_bits(rewritten, event.bit_offset, XUID_BITS, identity.xuid_field)
        gamertag_start = event.record_bit_offset + 8 * layout.gamertag_at
        _write_bits(rewritten, gamertag_start, 8 * GAMERTAG_BYTES, identity.gamertag_field)
        expected.append(replace(event, xuid=identity.xuid, gamertag=identity.gamertag))

    # New bits can in principle form a marker or terminator of their own; prove they did not.
    result = bytes(rewritten)
    try:
        unchanged = decode_inflated(result, major_version, strict=True).events == tuple(expected)
    except FilmDecodeError as exc:
        raise ValueError(f"{_CHANGES_DECODING}: {exc}") from exc
    if not unchanged:
        raise ValueError(_CHANGES_DECODING)
    return zlib.compress(result, RECOMPRESS_LEVEL)


def _validated(mapping: dict[int, tuple[int, str]]) -> dict[int, _NewIdentity]:
    identities: dict[int, _NewIdentity] = {}
    owner_of_new_xuid: dict[int, int] = {}
    for old_xuid, (new_xuid, gamertag) in mapping.items():
        if not MIN_XUID_EXCLUSIVE < new_xuid < MAX_XUID_EXCLUSIVE:
            raise ValueError(
                f"new xuid {new_xuid} (for {old_xuid}) is outside the decodable range "
                f"({MIN_XUID_EXCLUSIVE}, {MAX_XUID_EXCLUSIVE})"
            )
        previous = owner_of_new_xuid.setdefault(new_xuid, old_xuid)
        if previous != old_xuid:
            raise ValueError(f"xuids {previous} and {old_xuid} both map to {new_xuid}")
        identities[old_xuid] = _NewIdentity(
            xuid=new_xuid,
            gamertag=gamertag,
            xuid_field=int.from_bytes(new_xuid.to_bytes(8, "little"), "big"),
            gamertag_field=int.from_bytes(_gamertag_bytes(gamertag), "big"),
        )
    return identities


def _gamertag_bytes(gamertag: str) -> bytes:
    if not gamertag:
        raise ValueError("new gamertag is empty")
    if "\0" in gamertag:
        raise ValueError(f"new gamertag {gamertag!r} contains NUL (it would be cut there)")
    encoded = gamertag.encode("utf-16-le")
    if len(encoded) > GAMERTAG_BYTES:
        raise ValueError(
            f"new gamertag {gamertag!r} needs {len(encoded) // 2} UTF-16 code units; max "
            f"{GAMERTAG_BYTES // 2}"
        )
    return encoded.ljust(GAMERTAG_BYTES, b"\0")


def _write_bits(buffer: bytearray, start: int, width: int, value: int) -> None:
    """Overwrite ``width`` bits of ``buffer`` from bit ``start`` (MSB first) with ``value``."""
    first = start >> 3
    end_bit = start + width
    end_byte = (end_bit + 7) >> 3
    padding = end_byte * 8 - end_bit
    window = int.from_bytes(buffer[first:end_byte], "big")
    field_mask = ((1 << width) - 1) << padding
    window = (window & ~field_mask) | (value << padding)
    buffer[first:end_byte] = window.to_bytes(end_byte - first, "big")
