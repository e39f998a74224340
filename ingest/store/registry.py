"""The landing tables, defined once: columns with their types, keys and storage.

The DDL (``LandingTable.ddl``), the batched writer's Arrow types and upsert clauses, and the dbt
sources (``models/staging/halo/_halo__sources.yml``, checked against this registry by
tests/test_landing_registry.py) all come from ``LANDING_TABLES``. Landing tables hold raw API
payloads exactly as received, one row per payload; they are written only by the ingester.

The landing sequence: every payload table (and the two logs whose latest row matters) has a
``landing_seq`` column that the store itself assigns from one DuckDB sequence,
``landing.landing_seq``, on every insert and again on every upsert that replaces a row. It grows in
the order rows land whatever the machine's clock says, so "landed after" means a larger
landing_seq; ``fetched_at`` (the clock) stays as information. Every incremental filter of the dbt
project compares landing_seq values (docs/incremental.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

LANDING_SEQUENCE = "landing.landing_seq"

# DuckDB type -> Arrow type of a batch column: explicit, so a batch whose column is all NULL (e.g.
# no http_status) still has the column's type rather than Arrow's null type.
_ARROW_TYPES: dict[str, pa.DataType] = {
    "varchar": pa.string(),
    "json": pa.string(),
    "timestamptz": pa.timestamp("us", tz="UTC"),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "boolean": pa.bool_(),
    "blob": pa.binary(),
    "varchar[]": pa.list_(pa.string()),
}


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # a key of _ARROW_TYPES
    not_null: bool = True
    default: str | None = None  # SQL literal
    compression: str | None = None  # DuckDB storage compression, when the default is wrong
    store_assigned: bool = False  # the store fills it (its default); writers never send it

    @property
    def arrow_type(self) -> pa.DataType:
        return _ARROW_TYPES[self.sql_type]

    def ddl(self) -> str:
        parts = [self.name, self.sql_type]
        if self.not_null:
            parts.append("not null")
        if self.default is not None:
            parts.append(f"default {self.default}")
        if self.compression is not None:
            parts.append(f"using compression {self.compression}")
        return " ".join(parts)


@dataclass(frozen=True)
class LandingTable:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the primary key; a re-landed row replaces the row of its key
    # The clock column that dated a row before landing_seq existed: an older warehouse's rows are
    # numbered in its order, once (ingest/store/upgrade.py). None: the table has no landing_seq.
    landed_at: str | None = None

    @property
    def qualified_name(self) -> str:
        return f"landing.{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def ddl(self, name: str | None = None) -> str:
        """``create table if not exists`` for this table (under another name when given)."""
        lines = [c.ddl() for c in self.columns]
        if self.key:
            lines.append(f"primary key ({', '.join(self.key)})")
        body = ",\n    ".join(lines)
        return f"create table if not exists {name or self.qualified_name} (\n    {body}\n)"

    @property
    def written_columns(self) -> tuple[Column, ...]:
        """The columns a writer sends (the store assigns the others)."""
        return tuple(c for c in self.columns if not c.store_assigned)

    @property
    def written_column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.written_columns)

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema of a batch a writer sends (``written_columns``)."""
        return pa.schema([pa.field(c.name, c.arrow_type) for c in self.written_columns])

    def upsert_clause(self) -> str:
        """The insert's conflict clause: a re-fetch replaces the payload, fetched_at and
        landing_seq. ``excluded.landing_seq`` is the fresh value the column default drew for the
        proposed row, so a replaced payload moves to the end of the landing order, which is what
        the incremental dbt models compare. Empty for a keyless log."""
        if not self.key:
            return ""
        updates = ", ".join(f"{c} = excluded.{c}" for c in self.column_names if c not in self.key)
        return f" on conflict ({', '.join(self.key)}) do update set {updates}"


# The last column of every sequenced table (an older warehouse's tables gain it last, too).
_LANDING_SEQ = Column("landing_seq", "bigint", default=f"nextval('{LANDING_SEQUENCE}')", store_assigned=True)


def _table(name: str, key: tuple[str, ...], *columns: Column, landed_at: str | None = "fetched_at") -> LandingTable:
    if landed_at is not None:
        columns = (*columns, _LANDING_SEQ)
    return LandingTable(name, columns, key, landed_at)


_FETCHED_AT = Column("fetched_at", "timestamptz")
_MATCH_ID = Column("match_id", "varchar")
_PAYLOAD = Column("payload", "json")

LANDING_TABLES: dict[str, LandingTable] = {
    t.name: t
    for t in (
        _table("match_history", ("player_xuid", "match_id"),
               Column("player_xuid", "varchar"), _MATCH_ID, _PAYLOAD, _FETCHED_AT),
        _table("match_stats", ("match_id",), _MATCH_ID, _PAYLOAD, _FETCHED_AT),
        # requested_xuids: the human players the skill call asked for (the payload only answers those).
        _table("match_skill", ("match_id",), _MATCH_ID, _PAYLOAD, _FETCHED_AT,
               Column("requested_xuids", "varchar[]", not_null=False)),
        _table("film_manifests", ("match_id",), _MATCH_ID, _PAYLOAD, _FETCHED_AT),
        # data: the chunk bytes exactly as downloaded (a zlib stream), stored uncompressed. By
        # default DuckDB compresses a BLOB column with ZSTD, which gains nothing on zlib bytes and
        # must decompress a whole vector (2,048 chunks, ~550 MB) to read any one of them: reading
        # one chunk took 0.6 s and ~1 GB at 2,000 films, uncompressed 3 ms and a few MB.
        _table("film_chunks", ("match_id", "chunk_index"),
               _MATCH_ID, Column("chunk_index", "integer"), Column("chunk_type", "integer"),
               Column("film_major_version", "integer", not_null=False),
               Column("data", "blob", compression="uncompressed"), _FETCHED_AT),
        _table("ugc_assets", ("asset_kind", "asset_id", "version_id"),
               Column("asset_kind", "varchar"), Column("asset_id", "varchar"),
               Column("version_id", "varchar"), _PAYLOAD, _FETCHED_AT),
        _table("medal_metadata", ("fetched_at",), _PAYLOAD, _FETCHED_AT),
        _table("players", ("xuid",), Column("xuid", "varchar"), _PAYLOAD, _FETCHED_AT),
        # friends: xuids or gamertags as the user typed them (resolved in dbt); may be empty.
        # Written by `halo ingest --player` and `halo track`, not through the batched writer.
        _table("tracked_players", ("xuid",),
               Column("xuid", "varchar"), Column("gamertag", "varchar", not_null=False),
               Column("added_at", "timestamptz"), Column("friends", "varchar[]", default="[]"),
               landed_at=None),
        # One row per logical fetch that did not simply land (and per landed fetch that needed
        # retries), written after retries are exhausted. outcome: landed | not_found | failed |
        # skipped; terminal = the next run will not try again (404/400/410), unless asked to.
        # An append-only log: no key.
        _table("fetch_attempts", (),
               Column("endpoint", "varchar"), Column("key", "varchar"),
               Column("attempted_at", "timestamptz"),
               Column("http_status", "integer", not_null=False),
               Column("error", "varchar", not_null=False),
               Column("attempts", "integer", default="1"), Column("outcome", "varchar"),
               Column("terminal", "boolean", default="false"),
               Column("run_id", "varchar", not_null=False),
               landed_at="attempted_at"),
        # One row per history listing of a player: a listing that reached the end of the history
        # (or an already-listed match after a complete listing) lets the next run stop early.
        _table("history_crawls", ("run_id", "player_xuid", "match_type"),
               Column("run_id", "varchar"), Column("player_xuid", "varchar"),
               Column("match_type", "varchar"), Column("started_at", "timestamptz"),
               Column("finished_at", "timestamptz", not_null=False),
               Column("pages", "integer", default="0"), Column("listed", "integer", default="0"),
               Column("new_matches", "integer", default="0"),
               Column("complete", "boolean", default="false"),
               landed_at="started_at"),
    )
}
