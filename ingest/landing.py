"""The landing schema: its DDL (the one place it is defined) and the connection helper.

Landing tables hold raw API payloads exactly as received, one row per payload. They are written only
by the ingester; everything derived lives in dbt models. DDL is idempotent (``if not exists``).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

DEFAULT_DB_PATH = "warehouse/halo.duckdb"

# data: the chunk bytes exactly as downloaded (a zlib stream), stored uncompressed. By default
# DuckDB compresses a BLOB column with ZSTD, which gains nothing on zlib bytes and must decompress
# a whole vector (2,048 chunks, ~550 MB) to read any one of them: reading one chunk took 0.6 s
# and ~1 GB at 2,000 films, uncompressed 3 ms and a few MB (each blob is read on its own).
FILM_CHUNKS_DDL = """create table if not exists landing.film_chunks (
        match_id varchar not null,
        chunk_index integer not null,
        chunk_type integer not null,
        film_major_version integer,
        data blob not null using compression uncompressed,
        fetched_at timestamptz not null,
        primary key (match_id, chunk_index)
    )"""

LANDING_DDL: tuple[str, ...] = (
    "create schema if not exists landing",
    # One row per (tracked player, match) seen in that player's history pages.
    """create table if not exists landing.match_history (
        player_xuid varchar not null,
        match_id varchar not null,
        payload json not null,
        fetched_at timestamptz not null,
        primary key (player_xuid, match_id)
    )""",
    """create table if not exists landing.match_stats (
        match_id varchar primary key,
        payload json not null,
        fetched_at timestamptz not null
    )""",
    # requested_xuids: the human players the skill call asked for (the payload only answers those).
    """create table if not exists landing.match_skill (
        match_id varchar primary key,
        payload json not null,
        fetched_at timestamptz not null,
        requested_xuids varchar[]
    )""",
    """create table if not exists landing.film_manifests (
        match_id varchar primary key,
        payload json not null,
        fetched_at timestamptz not null
    )""",
    FILM_CHUNKS_DDL,
    """create table if not exists landing.ugc_assets (
        asset_kind varchar not null,
        asset_id varchar not null,
        version_id varchar not null,
        payload json not null,
        fetched_at timestamptz not null,
        primary key (asset_kind, asset_id, version_id)
    )""",
    """create table if not exists landing.medal_metadata (
        payload json not null,
        fetched_at timestamptz primary key
    )""",
    """create table if not exists landing.players (
        xuid varchar primary key,
        payload json not null,
        fetched_at timestamptz not null
    )""",
    # friends: xuids or gamertags as the user typed them (resolved in dbt); may be empty.
    """create table if not exists landing.tracked_players (
        xuid varchar primary key,
        gamertag varchar,
        added_at timestamptz not null,
        friends varchar[] not null default []
    )""",
    # One row per logical fetch that did not simply land (and one per landed fetch of rare kinds),
    # written after retries are exhausted. outcome: landed | not_found | failed | skipped.
    # terminal = the next run will not try again (404/400/410), unless asked to.
    """create table if not exists landing.fetch_attempts (
        endpoint varchar not null,
        key varchar not null,
        attempted_at timestamptz not null,
        http_status integer,
        error varchar,
        attempts integer not null default 1,
        outcome varchar not null,
        terminal boolean not null default false,
        run_id varchar
    )""",
    # One row per history listing of a player; a listing that reached the end of the history (or
    # an already-listed match after a complete listing) is what allows the next run to stop early.
    """create table if not exists landing.history_crawls (
        run_id varchar not null,
        player_xuid varchar not null,
        match_type varchar not null,
        started_at timestamptz not null,
        finished_at timestamptz,
        pages integer not null default 0,
        listed integer not null default 0,
        new_matches integer not null default 0,
        complete boolean not null default false,
        primary key (run_id, player_xuid, match_type)
    )""",
)

# What is missing, per listed match and per endpoint: the single definition shared by the
# ingester (what to fetch next), `halo status`, and dbt's completeness tests. A view, so it is
# always current. status: landed | missing | failed (retryable; will be tried again) |
# failed_terminal (400/404/410: explained, not retried) | not_applicable (e.g. skill of a custom
# game, film chunk of a film that expired).
PAYLOAD_STATUS_VIEW = """
create or replace view landing.match_payload_status as
with listed as (
    select
        match_id,
        min(try_cast(json_extract_string(payload, '$.MatchInfo.LifecycleMode') as integer)) as lifecycle_mode,
        max(try_cast(json_extract_string(payload, '$.MatchInfo.StartTime') as timestamptz)) as start_time
    from landing.match_history
    group by match_id
),
latest_attempt as (
    select endpoint, key, http_status, error, terminal, attempted_at
    from landing.fetch_attempts
    where outcome <> 'landed'
    qualify row_number() over (partition by endpoint, key order by attempted_at desc) = 1
),
endpoints as (
    select * from (values ('match_stats'), ('match_skill'), ('film_manifest'), ('film_chunk')) e(endpoint)
),
grid as (
    select listed.match_id, listed.lifecycle_mode, listed.start_time, endpoints.endpoint
    from listed cross join endpoints
),
landed as (
    select match_id, 'match_stats' as endpoint from landing.match_stats
    union all
    select match_id, 'match_skill' from landing.match_skill
    union all
    select match_id, 'film_manifest' from landing.film_manifests
    union all
    select distinct match_id, 'film_chunk' from landing.film_chunks where chunk_type = 3
),
film_gone as (
    select key as match_id from latest_attempt where endpoint = 'film_manifest' and terminal
)
select
    grid.match_id,
    grid.endpoint,
    grid.start_time,
    case
        when landed.match_id is not null then 'landed'
        when grid.endpoint = 'match_skill' and coalesce(grid.lifecycle_mode, 3) <> 3 then 'not_applicable'
        when grid.endpoint = 'film_chunk' and film_gone.match_id is not null then 'not_applicable'
        when latest_attempt.terminal then 'failed_terminal'
        when latest_attempt.key is not null then 'failed'
        else 'missing'
    end as status,
    case when landed.match_id is null then latest_attempt.http_status end as http_status,
    case when landed.match_id is null then latest_attempt.error end as error,
    case when landed.match_id is null then latest_attempt.attempted_at end as last_attempt_at
from grid
left join landed using (match_id, endpoint)
left join latest_attempt on latest_attempt.endpoint = grid.endpoint and latest_attempt.key = grid.match_id
left join film_gone on grid.endpoint = 'film_chunk' and film_gone.match_id = grid.match_id
"""

LANDING_TABLES: tuple[str, ...] = (
    "match_history",
    "match_stats",
    "match_skill",
    "film_manifests",
    "film_chunks",
    "ugc_assets",
    "medal_metadata",
    "players",
    "tracked_players",
    "fetch_attempts",
    "history_crawls",
)


def db_path_from_env() -> Path:
    """The warehouse file: ``$HALO_DB`` or ``warehouse/halo.duckdb`` (relative to the cwd)."""
    return Path(os.environ.get("HALO_DB") or DEFAULT_DB_PATH)


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse with UTC as the session time zone (timestamps never shift locally)."""
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("set TimeZone = 'UTC'")
    return con


def ensure_landing_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every landing table that does not exist yet (safe to call on every run)."""
    for statement in LANDING_DDL:
        con.execute(statement)
    _store_film_bytes_uncompressed(con)
    con.execute(PAYLOAD_STATUS_VIEW)


def _store_film_bytes_uncompressed(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse created before FILM_CHUNKS_DDL said `using compression uncompressed` gets its
    film_chunks table rewritten once, in one transaction (rows and bytes unchanged)."""
    (sql,) = con.execute(
        "select sql from duckdb_tables() where schema_name = 'landing' and table_name = 'film_chunks'"
    ).fetchone()
    if "using compression uncompressed" in sql.lower():
        return
    rebuilt = FILM_CHUNKS_DDL.replace("landing.film_chunks", "landing.film_chunks_rebuilt")
    con.execute("begin transaction")
    try:
        con.execute(rebuilt)
        con.execute("insert into landing.film_chunks_rebuilt by name select * from landing.film_chunks")
        con.execute("drop table landing.film_chunks")
        con.execute("alter table landing.film_chunks_rebuilt rename to film_chunks")
        con.execute("commit")
    except duckdb.Error:
        con.execute("rollback")
        raise
