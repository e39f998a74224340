"""What the warehouse already holds, read from the landing tables (the ingester's only state).

Everything "missing" comes from ``landing.match_payload_status``, the same view that ``halo status``
and the dbt completeness tests read, so the three can never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from ..vocabulary import ASSET_KINDS, MATCH_ENDPOINTS, PLAYER_ID_SQL_PATTERN, AssetRef, MatchType


def covering_types(match_type: MatchType | str) -> tuple[str, ...]:
    """The listing types that cover a listing of ``match_type``: itself, and 'all' (which covers
    every type)."""
    kind = MatchType(match_type)
    return (kind.value,) if kind is MatchType.ALL else (kind.value, MatchType.ALL.value)


@dataclass
class MatchNeeds:
    """One listed match and the payloads it still lacks."""

    match_id: str
    start_time: datetime | None
    lifecycle_mode: int | None
    needs: set[str] = field(default_factory=set)


def known_history_ids(con: duckdb.DuckDBPyConnection, xuid: str) -> set[str]:
    rows = con.execute(
        "select match_id from landing.match_history where player_xuid = ?", [xuid]
    ).fetchall()
    return {r[0] for r in rows}


def last_listing_complete(con: duckdb.DuckDBPyConnection, xuid: str, match_type: MatchType | str) -> bool:
    """Did the latest listing of this player's history (of a covering type) run to completion?

    Only then may a listing stop at the first already-known match: if the latest listing died
    part-way, older matches may never have been listed, so the next one pages to the end. Latest
    in landing order (landing_seq), whatever the clock said when each listing started.
    """
    types = list(covering_types(match_type))
    row = con.execute(
        f"""
        select complete from landing.history_crawls
        where player_xuid = ? and match_type in ({", ".join("?" for _ in types)})
        order by landing_seq desc limit 1
        """,
        [xuid, *types],
    ).fetchone()
    return bool(row and row[0])


def matches_needing_payloads(
    con: duckdb.DuckDBPyConnection,
    xuid: str,
    *,
    newest: int | None = None,
    retry_failed: bool = False,
    endpoints: tuple[str, ...] = MATCH_ENDPOINTS,
    match_ids: list[str] | None = None,
) -> list[MatchNeeds]:
    """This player's listed matches (optionally only ``match_ids``) lacking a payload, newest first."""
    wanted = ("missing", "failed", "failed_terminal") if retry_failed else ("missing", "failed")
    limit = f"limit {int(newest)}" if newest is not None else ""
    id_filter = ""
    params: list[object] = [xuid]
    if match_ids is not None:
        id_filter = "and list_contains(?, match_id)"
        params.append(list(match_ids))
    rows = con.execute(
        f"""
        with mine as (
            select
                match_id,
                try_cast(json_extract_string(payload, '$.MatchInfo.StartTime') as timestamptz) as start_time,
                try_cast(json_extract_string(payload, '$.MatchInfo.LifecycleMode') as integer) as lifecycle_mode
            from landing.match_history
            where player_xuid = ? {id_filter}
            order by start_time desc nulls last, match_id
            {limit}
        )
        select mine.match_id, mine.start_time, mine.lifecycle_mode,
               list(status.endpoint order by status.endpoint)
        from mine
        join landing.match_payload_status as status using (match_id)
        where status.status in ({", ".join("?" for _ in wanted)})
          and status.endpoint in ({", ".join("?" for _ in endpoints)})
        group by all
        order by mine.start_time desc nulls last, mine.match_id
        """,
        [*params, *wanted, *endpoints],
    ).fetchall()
    return [MatchNeeds(r[0], r[1], r[2], set(r[3])) for r in rows]


def landed_stats(con: duckdb.DuckDBPyConnection, match_id: str) -> dict | None:
    row = con.execute(
        "select payload from landing.match_stats where match_id = ?", [match_id]
    ).fetchone()
    return json.loads(row[0]) if row else None


def landed_manifest(con: duckdb.DuckDBPyConnection, match_id: str) -> dict | None:
    row = con.execute(
        "select payload from landing.film_manifests where match_id = ?", [match_id]
    ).fetchone()
    return json.loads(row[0]) if row else None


def settled_asset_keys(con: duckdb.DuckDBPyConnection, retry_failed: bool) -> set[str]:
    """Assets that need no fetch: landed, or (unless retrying) terminally failed."""
    rows = con.execute(
        """
        select asset_kind || '/' || asset_id || '/' || version_id from landing.ugc_assets
        union
        select key from landing.fetch_attempts
        where endpoint = 'ugc_asset' and terminal and not ?
        """,
        [retry_failed],
    ).fetchall()
    return {r[0] for r in rows}


def _references_spec(humans: bool) -> str:
    ref = {"AssetId": "VARCHAR", "VersionId": "VARCHAR"}
    spec: dict[str, object] = {"MatchInfo": dict.fromkeys(ASSET_KINDS, ref)}
    if humans:
        spec["Players"] = [{"PlayerId": "VARCHAR"}]
    return json.dumps(spec)


def landed_stats_references(
    con: duckdb.DuckDBPyConnection, *, humans: bool = True
) -> tuple[set[AssetRef], set[str]]:
    """What every landed stats payload refers to: its asset versions, and (``humans``) the xuids of
    its human players. One typed json_transform pass over every payload (this runs at every ingest
    start): per-path json_extract_string calls re-parsed each payload eight times for the assets
    (8.3 s -> 0.9 s at 50k matches), a JSONPath wildcard took 13 s for the players, and two
    separate passes 2.8 s where this one takes ~1.2 s."""
    refs = ", ".join(
        f"{{'kind': '{kind}', 'asset_id': stats.MatchInfo.{field_name}.AssetId,"
        f" 'version_id': stats.MatchInfo.{field_name}.VersionId}}"
        for field_name, kind in ASSET_KINDS.items()
    )
    players = (
        f"""
        union all
        select distinct 'xuid', regexp_extract(player.PlayerId, '{PLAYER_ID_SQL_PATTERN}', 1), null
        from (select unnest(stats.Players) as player from parsed)
        where player.PlayerId like 'xuid(%'
        """
        if humans else ""
    )
    rows = con.execute(
        f"""
        with parsed as materialized (
            select json_transform(payload, ?) as stats from landing.match_stats
        )
        select distinct ref.kind, ref.asset_id, ref.version_id
        from (select unnest([{refs}]) as ref from parsed)
        where ref.asset_id is not null
        {players}
        """,
        [_references_spec(humans)],
    ).fetchall()
    assets = {AssetRef(r[0], r[1], r[2]) for r in rows if r[0] != "xuid" and r[1] and r[2]}
    xuids = {r[1] for r in rows if r[0] == "xuid" and r[1]}
    return assets, xuids


def has_medal_metadata(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("select count(*) from landing.medal_metadata").fetchone()
    return bool(row and row[0])


def known_profile_xuids(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        """
        select xuid from landing.players
        union
        select key from landing.fetch_attempts where endpoint = 'player_profile' and terminal
        """
    ).fetchall()
    return {r[0] for r in rows}
