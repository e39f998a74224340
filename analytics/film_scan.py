"""Find a fixed bit pattern at *every* bit offset of a byte string, at C speed.

Highlight events in a film chunk are not byte aligned, so their markers can start at any of the
8 bit offsets of a byte. Stepping bit by bit in Python is ~100x too slow, and building 8
bit-shifted copies of the stream and searching each with ``bytes.find`` costs ~25 passes over
the data. This module needs ~6 C-speed passes instead:

1. For a pattern starting at bit offset ``s`` (mod 8), its last two *whole* bytes have fixed
   values (``prev``, ``last``) that depend only on ``s``. One ``bytes.translate`` maps every
   byte to a code: the low nibble flags "may be ``prev`` for shift group g", the high nibble
   "may be ``last`` for shift group g" (group = s % 4, so 8 shifts fit in a byte).
2. As one big integer ``x`` (big endian), ``x >> 4`` moves byte ``h-1``'s low nibble under byte
   ``h``'s high nibble, so ``x & (x >> 4)`` flags exactly the bytes ``h`` preceded by a
   matching ``prev`` of the same group. CPython's big-int ops run word-parallel.
3. Back to bytes, each group flag is found with a one-byte ``find`` (``memchr``).
4. Each flagged byte names its shift (``last`` values are unique per shift), and the whole
   pattern is then checked exactly on a few bytes. Survivors are exact; the filter only
   ensures nothing is missed and little is checked in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

_GROUPS = 4  # shift s uses group s % 4: low nibble = "prev" roles, high nibble = "last" roles


@dataclass(frozen=True, slots=True)
class BitPattern:
    """A compiled fixed-width bit pattern (one or more accepted values)."""

    width: int
    values: frozenset[int]
    translate_table: bytes
    shift_of_last_byte: dict[int, int]  # value of the last whole byte -> start offset mod 8
    last_byte_index: tuple[int, ...]  # per shift: last whole byte, counted from the first byte


def _whole_byte(value: int, width: int, shift: int, k: int) -> int:
    """Byte ``k`` (0 = the byte holding the first bit) of ``value`` placed at bit ``shift``."""
    return (value >> (width - (8 * k - shift) - 8)) & 0xFF


def compile_bit_pattern(width: int, values: tuple[int, ...]) -> BitPattern:
    """Compile the pattern; raises ValueError if it does not suit the two-byte filter."""
    if width < 23:
        raise ValueError(f"pattern width {width} < 23 bits: needs two whole bytes at every shift")
    codes = [0] * 256
    shift_of_last: dict[int, int] = {}
    last_index: list[int] = []
    for shift in range(8):
        group_bit = 1 << (shift % _GROUPS)
        k_last = (width + shift - 8) // 8
        last_index.append(k_last)
        for value in values:
            last = _whole_byte(value, width, shift, k_last)
            prev = _whole_byte(value, width, shift, k_last - 1)
            if shift_of_last.setdefault(last, shift) != shift:
                raise ValueError(f"byte 0x{last:02x} ends the pattern at two shifts")
            codes[last] |= group_bit << 4
            codes[prev] |= group_bit
    for code in codes:
        if code & (code >> 4):
            # A byte in both roles of one group would set low-nibble bits next to a real hit
            # and hide it from the one-byte searches below.
            raise ValueError("a byte value is both 'prev' and 'last' in one shift group")
    return BitPattern(
        width=width,
        values=frozenset(values),
        translate_table=bytes(codes),
        shift_of_last_byte=shift_of_last,
        last_byte_index=tuple(last_index),
    )


def read_bits(stream: bytes, start: int, width: int) -> int:
    """The ``width`` bits of ``stream`` from bit ``start`` (MSB first), as an unsigned int."""
    first = start >> 3
    end_bit = start + width
    end_byte = (end_bit + 7) >> 3
    chunk = int.from_bytes(stream[first:end_byte], "big")
    return (chunk >> (end_byte * 8 - end_bit)) & ((1 << width) - 1)


def find_bit_pattern(stream: bytes, pattern: BitPattern) -> list[int]:
    """Every bit offset at which one of the pattern's values starts, ascending (overlaps kept)."""
    codes = int.from_bytes(stream.translate(pattern.translate_table), "big")
    flags = (codes & (codes >> 4)).to_bytes(len(stream), "big")
    total_bits = len(stream) * 8
    starts: list[int] = []
    for group in range(_GROUPS):
        needle = bytes((0x10 << group,))
        hit = flags.find(needle)
        while hit != -1:
            shift = pattern.shift_of_last_byte[stream[hit]]
            start = 8 * (hit - pattern.last_byte_index[shift]) + shift
            if (
                start >= 0
                and start + pattern.width <= total_bits
                and read_bits(stream, start, pattern.width) in pattern.values
            ):
                starts.append(start)
            hit = flags.find(needle, hit + 1)
    starts.sort()
    return starts
