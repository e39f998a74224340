"""Film highlight events: the public entry points for the ingester, the dbt models and the fake API.

A film manifest (``/hi/films/matches/{matchId}/spectate``) lists chunks; the last one
(ChunkType 3, see ``film_manifest``) holds the highlight events, decoded here. Implementation
modules: ``film_stream`` (zlib), ``film_scan`` (bit-offset pattern search), ``film_records``
(record layouts and classification), ``film_decode`` (the decoder). Events carry the film's medal
code; medal names live only in the dbt seed ``film_medal_codes``.
"""

from __future__ import annotations

from analytics.film_decode import decode_highlight_chunk, decode_highlight_events
from analytics.film_manifest import FILM_CHUNK_TYPE_HIGHLIGHTS, highlight_chunk, manifest_chunks
from analytics.film_model import (
    DecodedHighlights,
    EventType,
    FilmDecodeError,
    HighlightEvent,
    SkippedRecord,
)
from analytics.film_records import layout_for_version

__all__ = [
    "FILM_CHUNK_TYPE_HIGHLIGHTS",
    "DecodedHighlights",
    "EventType",
    "FilmDecodeError",
    "HighlightEvent",
    "SkippedRecord",
    "decode_highlight_chunk",
    "decode_highlight_events",
    "highlight_chunk",
    "layout_for_version",
    "manifest_chunks",
]
