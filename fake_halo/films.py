"""Film manifests and chunks for matches whose film still exists.

Only two templates carry a film (the recorded oddball match and the recorded 1v1 custom), because
only their recorded highlight chunks belong to their recorded stats. The highlight chunk (the last
one) is the recording rewritten by ``fake_halo.film_rewrite.rewrite_players`` so that it names the
same synthetic players (xuid and the gamertag they had at match time) as the stats; its events then
reconcile with the stats exactly as the recording did. Every other chunk is a small placeholder
zlib stream: the ingester only needs the highlight chunk.
"""

from __future__ import annotations

import copy
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from analytics.film import FILM_CHUNK_TYPE_HIGHLIGHTS

from .career import Career
from .film_rewrite import rewrite_players
from .schedule import MatchMeta

BLOB_HOST_URL = "https://blobs-infiniteugc.svc.halowaypoint.com"
CHUNK_MS = 20_000  # replication chunks cover about 20 s each in the recorded manifest
CACHE_SIZE = 256


@dataclass(frozen=True)
class ChunkPlan:
    index: int
    offset_ms: int
    duration_ms: int
    chunk_type: int


def chunk_plan(film_length_ms: int) -> list[ChunkPlan]:
    """Header chunk, ~20 s replication chunks, then the highlight-events chunk (as recorded)."""
    plan = [ChunkPlan(0, 0, 10, 1)]
    offset = 0
    while offset < film_length_ms:
        duration = min(CHUNK_MS, film_length_ms - offset)
        plan.append(ChunkPlan(len(plan), offset, duration, 2))
        offset += duration
    plan.append(ChunkPlan(len(plan), film_length_ms + 5, 2, FILM_CHUNK_TYPE_HIGHLIGHTS))
    return plan


def placeholder_chunk(match_id: str, index: int) -> bytes:
    return zlib.compress(f"halo-warehouse fake film chunk {index} of {match_id}\n".encode() * 8)


class FilmRenderer:
    def __init__(self, career: Career) -> None:
        self.career = career
        self._lock = threading.Lock()
        self._highlights: OrderedDict[str, bytes] = OrderedDict()  # LRU: rewriting is not free

    def highlight_chunk(self, meta: MatchMeta) -> bytes:
        with self._lock:
            cached = self._highlights.get(meta.match_id)
            if cached is not None:
                self._highlights.move_to_end(meta.match_id)
                return cached
        template = self.career.template(meta)
        if template.film is None or not meta.film:
            raise ValueError(f"match {meta.match_id} has no film")
        mapping = {
            slot.xuid: (xuid, self.career.gamertag_at(xuid, meta.start_ms))
            for slot, xuid in zip(template.humans, meta.humans, strict=True)
        }
        data = rewrite_players(template.film.chunk, template.film.major_version, mapping)
        with self._lock:
            self._highlights[meta.match_id] = data
            while len(self._highlights) > CACHE_SIZE:
                self._highlights.popitem(last=False)
        return data

    def chunk(self, meta: MatchMeta, index: int) -> bytes | None:
        """The bytes of chunk ``index``, or None when the film has no such chunk."""
        plan = chunk_plan(self.career.template(meta).duration_ms)
        if not 0 <= index < len(plan):
            return None
        if plan[index].chunk_type == FILM_CHUNK_TYPE_HIGHLIGHTS:
            return self.highlight_chunk(meta)
        return placeholder_chunk(meta.match_id, index)

    def manifest(self, meta: MatchMeta) -> dict:
        template = self.career.template(meta)
        if template.film is None:
            raise ValueError(f"match {meta.match_id} has no film")
        asset_id, folder_id = self.career.film_ids(meta)
        chunks = []
        for item in chunk_plan(template.duration_ms):
            size = len(self.chunk(meta, item.index) or b"")
            chunks.append(
                {
                    "Index": item.index,
                    "ChunkStartTimeOffsetMilliseconds": item.offset_ms,
                    "DurationMilliseconds": item.duration_ms,
                    "ChunkSize": size,
                    "FileRelativePath": f"/filmChunk{item.index}",
                    "ChunkType": item.chunk_type,
                }
            )
        payload = copy.deepcopy(self.career.fixtures.film_manifest)
        custom = payload["CustomData"]
        custom["FilmLength"] = template.duration_ms
        custom["Chunks"] = chunks
        custom["MatchId"] = meta.match_id
        custom["FilmMajorVersion"] = template.film.major_version
        payload["BlobStoragePathPrefix"] = (
            f"{BLOB_HOST_URL}/ugcstorage/film/{asset_id}/{folder_id}/"
        )
        payload["AssetId"] = asset_id
        return payload
