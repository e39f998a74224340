"""Value types of the film highlight-chunk decoder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EventType = Literal["kill", "death", "medal", "mode"]


class FilmDecodeError(Exception):
    """A film chunk (or one record in it) cannot be decoded; the message says what and where."""


@dataclass(frozen=True, slots=True)
class HighlightEvent:
    """One highlight event: a kill, death, medal or mode event of one human player.

    ``bit_offset`` is where the event's 64-bit xuid starts in the *decompressed* chunk (bit 0 is
    the most significant bit of byte 0); ``record_bit_offset`` is where its 60-byte record
    starts. Events are not byte aligned, hence bit offsets.
    """

    xuid: int
    gamertag: str
    type_hint: int
    is_medal: bool
    event_type: EventType
    time_ms: int
    medal_code: int | None  # the film's own medal code (names: the dbt seed film_medal_codes)
    bit_offset: int
    record_bit_offset: int


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A candidate event that lenient decoding skipped instead of raising."""

    bit_offset: int
    xuid: int
    reason: str


@dataclass(frozen=True, slots=True)
class DecodedHighlights:
    """Everything decoded from one highlight chunk: events in stream (= time) order, and the
    records that were skipped (always empty in strict mode, which raises instead)."""

    events: tuple[HighlightEvent, ...]
    skipped: tuple[SkippedRecord, ...]
