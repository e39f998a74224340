"""The 60-byte highlight-event record: layouts per film major version, classification."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.film_model import EventType, HighlightEvent

RECORD_BYTES = 60
RECORD_BITS = RECORD_BYTES * 8
GAMERTAG_BYTES = 32  # UTF-16LE, 16 code units, NUL padded
# Tail offsets are the same in both layouts (the 39-40 layout moves only the gamertag).
TYPE_HINT_AT = 47
TIME_MS_AT = 48  # 4 bytes, big endian, ms since match start
MEDAL_FLAG_AT = 55
MEDAL_CODE_AT = 59

MODE_HINT = 10
DEATH_HINT = 20
KILL_HINT = 50
# Type hints that mark a medal when the medal flag is 1: the medal sortingWeight values.
MEDAL_HINTS = frozenset(
    {50, 51, 52, 100, 101, 150, 200, 205, 210, 220, 225, 230, 235, 240, 245, 250}
)
_PLAIN_EVENT_TYPES: dict[int, EventType] = {
    MODE_HINT: "mode",
    DEATH_HINT: "death",
    KILL_HINT: "kill",
}

class RecordError(Exception):
    """One record cannot be turned into an event (the decoder adds where it was)."""


@dataclass(frozen=True, slots=True)
class RecordLayout:
    """Where the gamertag sits in a record; the rest of the record is shared."""

    gamertag_at: int


STANDARD_LAYOUT = RecordLayout(gamertag_at=0)  # film major versions <= 38 and >= 41
V39_V40_LAYOUT = RecordLayout(gamertag_at=12)  # 12 extra leading bytes, gamertag, skip 3


def layout_for_version(major_version: int) -> RecordLayout:
    """The record layout of a film major version (any positive int; unknown ones follow the
    <=38/>=41 rule)."""
    if isinstance(major_version, bool) or not isinstance(major_version, int):
        raise TypeError(f"film major version must be an int, got {major_version!r}")
    if major_version < 1:
        raise ValueError(f"film major version must be positive, got {major_version}")
    return V39_V40_LAYOUT if 39 <= major_version <= 40 else STANDARD_LAYOUT


def decode_gamertag(field: bytes) -> str:
    """UTF-16LE gamertag up to its first NUL code unit (the rest is padding)."""
    try:
        text = field.decode("utf-16-le")  # fast path: NUL padding always decodes
    except UnicodeDecodeError:
        return _decode_up_to_nul(field)  # garbage after the NUL, or a bad name
    return text.split("\0", 1)[0]


def _decode_up_to_nul(field: bytes) -> str:
    end = next(
        (unit for unit in range(0, len(field), 2) if field[unit : unit + 2] == b"\0\0"),
        len(field),
    )
    try:
        return field[:end].decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise RecordError(f"gamertag is not valid UTF-16LE ({field[:end].hex()})") from exc


def classify(type_hint: int, medal_flag: int) -> EventType:
    """Event type from the type hint and the medal flag; RecordError if unclassifiable."""
    if medal_flag == 1 and type_hint in MEDAL_HINTS:
        return "medal"
    event_type = _PLAIN_EVENT_TYPES.get(type_hint)
    if event_type is None:
        raise RecordError(f"unclassifiable event: type hint {type_hint}, medal flag {medal_flag}")
    return event_type


def parse_record(
    record: bytes, layout: RecordLayout, xuid: int, bit_offset: int, record_bit_offset: int
) -> HighlightEvent:
    """Build the event of one 60-byte record; RecordError if it is not a valid event."""
    gamertag = decode_gamertag(record[layout.gamertag_at : layout.gamertag_at + GAMERTAG_BYTES])
    type_hint = record[TYPE_HINT_AT]
    medal_flag = record[MEDAL_FLAG_AT]
    event_type = classify(type_hint, medal_flag)
    medal_code = record[MEDAL_CODE_AT] if event_type == "medal" else None
    return HighlightEvent(
        xuid=xuid,
        gamertag=gamertag,
        type_hint=type_hint,
        is_medal=medal_flag == 1,
        event_type=event_type,
        time_ms=int.from_bytes(record[TIME_MS_AT : TIME_MS_AT + 4], "big"),
        medal_code=medal_code,
        bit_offset=bit_offset,
        record_bit_offset=record_bit_offset,
    )
