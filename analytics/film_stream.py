"""Inflate a film chunk as downloaded (a zlib stream, whatever its file name says)."""

from __future__ import annotations

import zlib

from analytics.film_model import FilmDecodeError

# Real highlight chunks inflate to 0.5-2 MB; a cap stops a corrupt or hostile chunk from
# inflating without bound.
MAX_INFLATED_BYTES = 64 * 1024 * 1024


def inflate_chunk(data: bytes) -> bytes:
    """Return the decompressed bytes of one zlib film chunk.

    Raises FilmDecodeError for an empty input, a corrupt or truncated stream, bytes after the end
    of the stream, or a stream inflating beyond MAX_INFLATED_BYTES. A valid stream that inflates
    to nothing returns b"" (a chunk with no events).
    """
    if not data:
        raise FilmDecodeError("empty film chunk: 0 bytes (not a zlib stream)")
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(data, MAX_INFLATED_BYTES + 1)
    except zlib.error as exc:
        raise FilmDecodeError(
            f"corrupt zlib stream in film chunk ({len(data)} bytes): {exc}"
        ) from exc
    if len(inflated) > MAX_INFLATED_BYTES:
        raise FilmDecodeError(
            f"film chunk inflates beyond {MAX_INFLATED_BYTES} bytes; refusing to decode"
        )
    if not inflater.eof:
        raise FilmDecodeError(
            f"truncated zlib stream: {len(data)} input bytes ended before the end-of-stream "
            f"marker ({len(inflated)} bytes inflated so far)"
        )
    if inflater.unused_data:
        raise FilmDecodeError(
            f"{len(inflater.unused_data)} unexpected bytes after the end of the zlib stream "
            f"(at input byte {len(data) - len(inflater.unused_data)})"
        )
    return inflated
