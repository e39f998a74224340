"""`halo status`: per tracked player and data type, what is complete, missing, and why.

It reads ``landing.match_payload_status``, the same view the ingester uses to decide what to fetch
and the dbt completeness tests use to decide what is an unexplained gap, so the three agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from .players import parse_player_spec
from .warehouse import open_warehouse

DATA_TYPES = {
    "match_stats": "match stats",
    "match_skill": "skill",
    "film_manifest": "film manifest",
    "film_chunk": "film highlights",
}


@dataclass
class StatusRow:
    player_xuid: str
    gamertag: str | None
    endpoint: str
    listed: int
    landed: int
    missing: int
    failed: int
    failed_terminal: int
    not_applicable: int
    reasons: str | None

    @property
    def to_fetch(self) -> int:
        """What the next `halo ingest` will ask for."""
        return self.missing + self.failed


STATUS_SQL = """
with mine as (
    select tracked.xuid as player_xuid, tracked.gamertag, history.match_id
    from landing.tracked_players as tracked
    join landing.match_history as history on history.player_xuid = tracked.xuid
),
joined as (
    select mine.player_xuid, mine.gamertag, status.*
    from mine join landing.match_payload_status as status using (match_id)
),
reasons as (
    select player_xuid, endpoint,
           string_agg(coalesce('HTTP ' || http_status, error, 'unknown') || ' ×' || n, ', '
                      order by n desc) as reasons
    from (
        select player_xuid, endpoint, http_status,
               case when http_status is null then error end as error, count(*) as n
        from joined where status in ('failed', 'failed_terminal')
        group by all
    )
    group by all
)
select
    joined.player_xuid, any_value(joined.gamertag), joined.endpoint,
    count(*) as listed,
    count(*) filter (where status = 'landed'),
    count(*) filter (where status = 'missing'),
    count(*) filter (where status = 'failed'),
    count(*) filter (where status = 'failed_terminal'),
    count(*) filter (where status = 'not_applicable'),
    any_value(reasons.reasons)
from joined
left join reasons using (player_xuid, endpoint)
group by joined.player_xuid, joined.endpoint
order by 2, joined.player_xuid, joined.endpoint
"""


def status_rows(con: duckdb.DuckDBPyConnection, players: list[str] | None = None) -> list[StatusRow]:
    rows = [StatusRow(*r) for r in con.execute(STATUS_SQL).fetchall()]
    if players:
        specs = [parse_player_spec(p) for p in players]
        wanted_xuids = {s.xuid for s in specs if s.xuid}
        wanted_tags = {s.gamertag.casefold() for s in specs if s.gamertag}
        rows = [r for r in rows if r.player_xuid in wanted_xuids or (r.gamertag or "").casefold() in wanted_tags]
    return rows


def print_status(console: Console, db_path: Path, players: list[str]) -> None:
    con = open_warehouse(db_path, read_only=True)
    try:
        rows = status_rows(con, players)
        tracked = con.execute("select count(*) from landing.tracked_players").fetchone()
    finally:
        con.close()
    if not rows:
        console.print("no listed matches yet" + ("" if tracked and tracked[0] else ": no tracked players"))
        return
    table = Table(title=f"warehouse {db_path}")
    for header in ("player", "data", "listed", "complete", "to fetch", "failed (explained)", "n/a", "why"):
        table.add_column(header, justify="left" if header in ("player", "data", "why") else "right")
    for row in rows:
        table.add_row(
            row.gamertag or row.player_xuid, DATA_TYPES.get(row.endpoint, row.endpoint),
            str(row.listed), str(row.landed), str(row.to_fetch), str(row.failed_terminal),
            str(row.not_applicable), row.reasons or "",
        )
    console.print(table)
