"""Film highlight events: the public entry points for the ingester, dbt models and fake API.

A film manifest (``/hi/films/matches/{matchId}/spectate``) lists chunks; the last one
(ChunkType 3) holds the highlight events, decoded here. Implementation modules:
``film_stream`` (zlib), ``film_scan`` (bit-offset pattern search), ``film_records`` (record
layouts, classification, medal names), ``film_decode`` (the decoder), ``film_rewrite``.
"""

from __future__ import annotations

from typing import Any

from analytics.film_decode import decode_highlight_chunk, decode_highlight_events
from analytics.film_model import (
    DecodedHighlights,
    EventType,
    FilmDecodeError,
    HighlightEvent,
    SkippedRecord,
)
from analytics.film_records import layout_for_version, medal_names
from analytics.film_rewrite import rewrite_players

FILM_CHUNK_TYPE_HIGHLIGHTS = 3  # FilmChunkType: 0 none, 1 header, 2 replication, 3 highlights

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
    "medal_names",
    "rewrite_players",
]


def highlight_chunk(manifest: dict[str, Any]) -> dict[str, Any]:
    """The highlight-events chunk entry of a ``/spectate`` manifest: the last entry of
    ``CustomData.Chunks`` (as listed). Raises FilmDecodeError if there is none or it is not of
    ChunkType 3."""
    custom_data = manifest.get("CustomData")
    chunks = custom_data.get("Chunks") if isinstance(custom_data, dict) else None
    if not isinstance(chunks, list) or not chunks:
        raise FilmDecodeError("film manifest has no CustomData.Chunks entries")
    last = chunks[-1]
    if not isinstance(last, dict):
        raise FilmDecodeError(f"film manifest's last chunk entry is not an object: {last!r}")
    chunk_type = last.get("ChunkType")
    if chunk_type != FILM_CHUNK_TYPE_HIGHLIGHTS:
        raise FilmDecodeError(
            f"last film chunk (Index {last.get('Index')}) has ChunkType {chunk_type!r}, "
            f"expected {FILM_CHUNK_TYPE_HIGHLIGHTS} (highlight events)"
        )
    return last
