"""Which chunk of a film holds the highlight events: the one rule, for the ingester and the decoder.

A film manifest (``/hi/films/matches/{matchId}/spectate``) lists its chunks in
``CustomData.Chunks``; the last entry, of ChunkType 3, holds the highlight events (FilmChunkType:
0 none, 1 header, 2 replication, 3 highlights). The ingester fetches only that chunk and the
landing status view counts a film as landed by it, both through this module.
"""

from __future__ import annotations

from typing import Any

from analytics.film_model import FilmDecodeError

FILM_CHUNK_TYPE_HIGHLIGHTS = 3


def manifest_chunks(manifest: Any) -> list[dict[str, Any]] | None:
    """The manifest's ``CustomData.Chunks`` entries, or None when they are missing or not objects."""
    if not isinstance(manifest, dict):
        return None
    custom_data = manifest.get("CustomData")
    chunks = custom_data.get("Chunks") if isinstance(custom_data, dict) else None
    if not isinstance(chunks, list) or not all(isinstance(c, dict) for c in chunks):
        return None
    return chunks


def highlight_chunk(manifest: Any) -> dict[str, Any]:
    """The highlight-events chunk entry of a manifest: the last entry of ``CustomData.Chunks`` (as
    listed). Raises FilmDecodeError if there is none or it is not of ChunkType 3."""
    chunks = manifest_chunks(manifest)
    if not chunks:
        raise FilmDecodeError("film manifest has no CustomData.Chunks entries")
    last = chunks[-1]
    chunk_type = last.get("ChunkType")
    if chunk_type != FILM_CHUNK_TYPE_HIGHLIGHTS:
        raise FilmDecodeError(
            f"last film chunk (Index {last.get('Index')}) has ChunkType {chunk_type!r}, "
            f"expected {FILM_CHUNK_TYPE_HIGHLIGHTS} (highlight events)"
        )
    return last
