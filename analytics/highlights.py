"""Decode landed film highlight chunks for the warehouse: one row per chunk.

The dbt Python model ``int_film_chunk_decodes`` is a thin wrapper around ``decode_record_batches``
(``decode_chunks`` is the same decode on a Polars frame, for tests and notebooks). Each
output row is the complete result of one chunk: its decode status (error, event and skip counts)
plus the decoded events and the killer -> victim pairs (``analytics.pairing.pair_kills``) as
nested lists. Keeping all three in one row makes the row itself the "this chunk is done" marker:
a chunk that failed to decode, or decoded to zero events or zero pairs, still has its row, so an
incremental build never decodes it again (LevelUp retried matches with 0 pairs on every run).

Decisions:

* Lenient decoding (``strict=False``): one undecodable record is skipped and counted
  (``skipped_records``, ``first_skip_reason``), the rest of the chunk is kept.
* A chunk-level failure (corrupt or truncated zlib, empty bytes, missing or invalid major
  version) is recorded in ``decode_error`` with zero events and zero pairs. Only
  ``FilmDecodeError`` (and the version check done here) is turned into a row: any other exception
  is a bug and propagates (it stops the build on purpose).
* ``xuid`` is a string (16 digits: the decoder only accepts 2e15 < xuid < 3e15), like every
  other xuid column of the warehouse.
* ``event_seq`` is the event's 0-based position in the chunk (stream = time order); pairs are
  computed from the events in that order, so equal times pair reproducibly.
* ``players`` lists each distinct (xuid, gamertag) of the chunk once, in order of first
  appearance: what gamertag observations need, without unnesting every event on every build.
* ``decode_record_batches`` streams: it decodes one Arrow batch of chunks at a time and yields
  its rows as Arrow (``ARROW_OUTPUT_SCHEMA``), so a consumer that writes as it reads (DuckDB
  scanning a ``RecordBatchReader``) holds one batch of chunks and their decoded rows at a time,
  however many films there are.
* Columnar: ``decode_arrow_batch`` appends each chunk's events to flat per-field lists and builds
  the nested columns from list offsets, and pairs each film's kills on their own
  (``pairing.pair_sorted``, the rule ``pair_kills`` applies per match). Beyond the decoder this
  costs one pass over the events; the Polars version it replaced (a frame of every event, then
  group-bys and joins per batch) cost ~20% more (BENCHMARKS.md, film sections).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from operator import attrgetter, itemgetter
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from analytics.film import FilmDecodeError, HighlightEvent, decode_highlight_chunk
from analytics.pairing import DEFAULT_TOLERANCE_MS, pair_sorted
from analytics.pairing import OUTPUT_SCHEMA as PAIR_SCHEMA

CHUNK_SCHEMA: dict[str, pl.DataType] = {
    "match_id": pl.String(),
    "chunk_index": pl.Int32(),
    "film_major_version": pl.Int32(),
    "data": pl.Binary(),
    "fetched_at": pl.Datetime("us", "UTC"),
    "landing_seq": pl.Int64(),
}
CHUNK_COLUMNS: tuple[str, ...] = tuple(CHUNK_SCHEMA)

EVENT_FIELDS: dict[str, pl.DataType] = {
    "event_seq": pl.Int64(),
    "xuid": pl.String(),
    "gamertag": pl.String(),
    "event_type": pl.String(),
    "type_hint": pl.Int32(),
    "is_medal": pl.Boolean(),
    "time_ms": pl.Int64(),
    "medal_code": pl.Int32(),
    "bit_offset": pl.Int64(),
}
PAIR_FIELDS: dict[str, pl.DataType] = {k: v for k, v in PAIR_SCHEMA.items() if k != "match_id"}
PLAYER_FIELDS: dict[str, pl.DataType] = {"xuid": pl.String(), "gamertag": pl.String()}
EVENT_TYPES: tuple[str, ...] = ("kill", "death", "medal", "mode")

OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "match_id": pl.String(),
    "chunk_index": pl.Int32(),
    "film_major_version": pl.Int32(),
    "chunk_fetched_at": pl.Datetime("us", "UTC"),
    "chunk_landing_seq": pl.Int64(),
    "chunk_bytes": pl.Int64(),
    "decode_error": pl.String(),
    "event_count": pl.Int64(),
    "skipped_records": pl.Int64(),
    "first_skip_reason": pl.String(),
    **{f"{kind}_events": pl.Int64() for kind in EVENT_TYPES},
    "pair_count": pl.Int64(),
    "pair_tolerance_ms": pl.Int64(),
    "events": pl.List(pl.Struct(EVENT_FIELDS)),
    "pairs": pl.List(pl.Struct(PAIR_FIELDS)),
    "players": pl.List(pl.Struct(PLAYER_FIELDS)),
}
# The Arrow form of OUTPUT_SCHEMA, derived from it so the two never drift apart. Oldest compat
# level: plain (large) strings and lists, which every Arrow consumer reads (DuckDB: VARCHAR, LIST).
ARROW_OUTPUT_SCHEMA: pa.Schema = (
    pl.DataFrame(schema=OUTPUT_SCHEMA).to_arrow(compat_level=pl.CompatLevel.oldest()).schema
)
# HighlightEvent attributes copied into the event columns as they are (xuid becomes a string).
_EVENT_ATTRIBUTES: tuple[str, ...] = tuple(
    name for name in EVENT_FIELDS if name not in ("event_seq", "xuid")
)
def decode_chunks(
    chunks: pl.DataFrame, *, tolerance_ms: int = DEFAULT_TOLERANCE_MS
) -> pl.DataFrame:
    """One row per input chunk (``OUTPUT_SCHEMA``), in input order.

    ``chunks`` has ``CHUNK_COLUMNS``: match_id (one highlight chunk per match), chunk_index,
    film_major_version (may be NULL), data (the zlib bytes as landed), fetched_at and landing_seq
    (the chunk's version, passed through as chunk_fetched_at and chunk_landing_seq).
    """
    missing = [c for c in CHUNK_COLUMNS if c not in chunks.columns]
    if missing:
        raise ValueError(f"missing chunk columns: {', '.join(missing)}")
    table = chunks.select(CHUNK_COLUMNS).to_arrow()
    decoded = pa.Table.from_batches(
        [decode_arrow_batch(batch, tolerance_ms=tolerance_ms) for batch in table.to_batches()],
        schema=ARROW_OUTPUT_SCHEMA,
    )
    return pl.from_arrow(decoded).cast(OUTPUT_SCHEMA)  # type: ignore[union-attr]


def decode_record_batches(
    batches: Iterable[pa.RecordBatch], *, tolerance_ms: int = DEFAULT_TOLERANCE_MS
) -> Iterator[pa.RecordBatch]:
    """``decode_arrow_batch`` of each non-empty batch of chunks (Arrow, with ``CHUNK_COLUMNS``):
    Arrow record batches of ``ARROW_OUTPUT_SCHEMA``.

    Lazy on purpose: nothing is read or decoded before the consumer asks for the next batch, and
    nothing is kept after it is yielded. A match must not appear in two batches (each batch is
    checked on its own, as ``decode_chunks`` checks its frame).
    """
    for batch in batches:
        if batch.num_rows:
            yield decode_arrow_batch(batch, tolerance_ms=tolerance_ms)


def decode_arrow_batch(
    batch: pa.RecordBatch, *, tolerance_ms: int = DEFAULT_TOLERANCE_MS
) -> pa.RecordBatch:
    """One output row (``ARROW_OUTPUT_SCHEMA``) per chunk of ``batch``, in input order.

    Columnar on purpose: each chunk's events go straight into flat per-field lists and the nested
    columns are built from offsets, so the cost beyond the decoder is one pass over the events
    (no per-event row objects, no data-frame joins)."""
    missing = [c for c in CHUNK_COLUMNS if c not in batch.schema.names]
    if missing:
        raise ValueError(f"missing chunk columns: {', '.join(missing)}")
    match_ids = batch.column("match_id").to_pylist()
    if len(set(match_ids)) != len(match_ids):
        duplicated = [m for m, count in Counter(match_ids).items() if count > 1]
        raise ValueError(f"more than one highlight chunk for match(es): {sorted(duplicated)}")
    tolerance = max(0, int(tolerance_ms))  # as pair_kills applies it; recorded on every row
    nested = _NestedColumns()
    status: dict[str, list[Any]] = {name: [] for name in _STATUS_COLUMNS}
    for data, version in zip(
        batch.column("data").to_pylist(),
        batch.column("film_major_version").to_pylist(),
        strict=True,
    ):
        error, decoded = _decode_one(data, version)
        events = decoded.events if decoded else ()
        nested.add_chunk(events, tolerance)
        status["decode_error"].append(error)
        status["skipped_records"].append(len(decoded.skipped) if decoded else 0)
        status["first_skip_reason"].append(
            decoded.skipped[0].reason if decoded and decoded.skipped else None
        )
        kinds = [event.event_type for event in events]
        for kind in EVENT_TYPES:
            status[f"{kind}_events"].append(kinds.count(kind))
        status["event_count"].append(len(events))
    columns = {
        "match_id": pa.array(match_ids),
        "chunk_index": batch.column("chunk_index"),
        "film_major_version": batch.column("film_major_version"),
        "chunk_fetched_at": batch.column("fetched_at"),
        "chunk_landing_seq": batch.column("landing_seq"),
        "chunk_bytes": pc.binary_length(batch.column("data")),
        **{name: pa.array(values) for name, values in status.items()},
        "pair_count": pa.array(nested.pair_counts),
        "pair_tolerance_ms": pa.array([tolerance] * batch.num_rows),
        **nested.arrays(),
    }
    return pa.RecordBatch.from_arrays(
        [columns[field.name].cast(field.type) for field in ARROW_OUTPUT_SCHEMA],
        schema=ARROW_OUTPUT_SCHEMA,
    )


_STATUS_COLUMNS: tuple[str, ...] = (
    "decode_error",
    "skipped_records",
    "first_skip_reason",
    "event_count",
    *(f"{kind}_events" for kind in EVENT_TYPES),
)


def _decode_one(data: bytes | None, version: int | None) -> tuple[str | None, Any]:
    """(decode_error, DecodedHighlights or None) of one chunk."""
    if version is None:
        return "film major version unknown: neither the chunk row nor its manifest gives it", None
    if version < 1:
        return f"invalid film major version {version}", None
    try:
        return None, decode_highlight_chunk(data or b"", int(version), strict=False)
    except FilmDecodeError as exc:
        return f"{exc} (film major version {version})", None


class _NestedColumns:
    """The events, pairs and players of a batch's chunks as flat per-field lists plus list offsets
    (one entry per chunk), turned into Arrow list-of-struct columns at the end."""

    def __init__(self) -> None:
        self.fields: dict[str, dict[str, list[Any]]] = {
            "events": {name: [] for name in EVENT_FIELDS},
            "pairs": {name: [] for name in PAIR_FIELDS},
            "players": {name: [] for name in PLAYER_FIELDS},
        }
        self.offsets: dict[str, list[int]] = {name: [0] for name in self.fields}
        self.pair_counts: list[int] = []

    def add_chunk(self, events: tuple[HighlightEvent, ...], tolerance: int) -> None:
        out = self.fields["events"]
        count = len(events)
        xuids = list(map(str, map(attrgetter("xuid"), events)))
        gamertags = list(map(attrgetter("gamertag"), events))
        out["event_seq"].extend(range(count))
        out["xuid"].extend(xuids)
        for name in _EVENT_ATTRIBUTES:
            out[name].extend(map(attrgetter(name), events))
        players = dict.fromkeys(zip(xuids, gamertags, strict=True))  # first appearance order
        self.fields["players"]["xuid"].extend(xuid for xuid, _ in players)
        self.fields["players"]["gamertag"].extend(gamertag for _, gamertag in players)
        paired = self._pairs(events, xuids, gamertags, tolerance)
        self.pair_counts.append(paired)
        for name, added in (("events", count), ("players", len(players)), ("pairs", paired)):
            self.offsets[name].append(self.offsets[name][-1] + added)

    def _pairs(
        self, events: tuple[HighlightEvent, ...], xuids: list[str], gamertags: list[str], tolerance: int
    ) -> int:
        """Pair the chunk's kills and deaths as ``pair_kills`` does on its events in film order."""
        kills: list[tuple[int, int]] = []  # (time_ms, event index), film order
        deaths: list[tuple[int, int]] = []
        for index, event in enumerate(events):
            if event.event_type == "kill":
                kills.append((event.time_ms, index))
            elif event.event_type == "death":
                deaths.append((event.time_ms, index))
        kills.sort(key=itemgetter(0))  # stable: equal times keep film order
        deaths.sort(key=itemgetter(0))
        paired = pair_sorted(kills, deaths, tolerance)
        killers = [kill[1] for _, kill, _ in paired]
        victims = [death[1] for _, _, death in paired]
        out = self.fields["pairs"]
        out["kill_seq"].extend(kill_seq for kill_seq, _, _ in paired)
        for role, indexes in (("killer", killers), ("victim", victims)):
            out[f"{role}_xuid"].extend(xuids[i] for i in indexes)
            out[f"{role}_gamertag"].extend(gamertags[i] or xuids[i] or "?" for i in indexes)
        out["time_ms"].extend(kill[0] for _, kill, _ in paired)
        out["death_time_ms"].extend(death[0] for _, _, death in paired)
        out["delta_ms"].extend(death[0] - kill[0] for _, kill, death in paired)
        out["is_suicide"].extend(xuids[k] == xuids[v] for k, v in zip(killers, victims, strict=True))
        return len(paired)

    def arrays(self) -> dict[str, pa.Array]:
        built: dict[str, pa.Array] = {}
        for name, values in self.fields.items():
            list_type = ARROW_OUTPUT_SCHEMA.field(name).type
            struct_type = list_type.value_type
            struct = pa.StructArray.from_arrays(
                [pa.array(values[field.name], type=field.type) for field in struct_type],
                fields=list(struct_type),
            )
            built[name] = pa.LargeListArray.from_arrays(
                pa.array(self.offsets[name], type=pa.int64()), struct
            )
        return built
