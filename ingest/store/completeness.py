"""Per tracked player and data type, what is complete, missing, and why (what `halo status` shows).

It reads ``main.fct_match_completeness`` (a dbt view over ``landing.match_payload_status`` and the
marts), the same view the dbt test ``assert_every_gap_explained`` reads; before the first
``dbt build`` it falls back to ``landing.match_payload_status`` alone, which is also what the
ingester fetches from, so "to fetch" always agrees with what the next ``halo ingest`` will do.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ..player_input import parse_player_spec

DATA_TYPES = {
    "match_stats": "match stats",
    "match_skill": "skill",
    "film_manifest": "film manifest",
    "film_chunk": "film highlights",
    "match_players": "→ players & medals",
    "film_events": "→ film events & pairs",
    "session": "→ sessions",
    "performance_score": "→ performance score",
    "citations": "→ citations evaluated",
    "friend_impact": "→ friends' impact",
    "streak": "→ streaks",
    "csr": "→ CSR (ranked)",
}

# Before the first dbt build: the payload rows of fct_match_completeness, straight from the landing
# view that fct_match_completeness itself passes through (its verdict is defined there, once).
PAYLOAD_ONLY_SQL = """
select
    history.player_xuid, history.match_id, status.endpoint as data_type,
    status.completeness as status, status.reason
from landing.match_history as history
join landing.tracked_players as tracked on tracked.xuid = history.player_xuid
join landing.match_payload_status as status on status.match_id = history.match_id
"""

SUMMARY_SQL = """
with rows as ({rows}),
reasons as (
    select player_xuid, data_type, string_agg(reason || ' ×' || n, ', ' order by n desc, reason) as reasons
    from (select player_xuid, data_type, reason, count(*) as n from rows
          where reason is not null and status in ('explained', 'retrying', 'stuck') group by all)
    group by all
)
select
    rows.player_xuid, any_value(tracked.gamertag), rows.data_type,
    count(*),
    count(*) filter (where status = 'complete'),
    count(*) filter (where status = 'missing'),
    count(*) filter (where status = 'retrying'),
    count(*) filter (where status = 'stuck'),
    count(*) filter (where status = 'explained'),
    count(*) filter (where status = 'not_applicable'),
    count(*) filter (where status = 'needs_build'),
    any_value(reasons.reasons)
from rows
join landing.tracked_players as tracked on tracked.xuid = rows.player_xuid
left join reasons using (player_xuid, data_type)
group by rows.player_xuid, rows.data_type
"""


@dataclass
class StatusRow:
    player_xuid: str
    gamertag: str | None
    data_type: str
    listed: int
    complete: int
    missing: int
    retrying: int
    stuck: int
    explained: int
    not_applicable: int
    needs_build: int
    reasons: str | None

    @property
    def endpoint(self) -> str:
        return self.data_type

    @property
    def to_fetch(self) -> int:
        """What the next `halo ingest` will ask for (payload types only)."""
        return self.missing + self.retrying + self.stuck  # stuck gaps are still retried


def status_rows(con: duckdb.DuckDBPyConnection, players: list[str] | None = None) -> list[StatusRow]:
    try:
        rows = con.execute(SUMMARY_SQL.format(rows="select * from main.fct_match_completeness")).fetchall()
    except duckdb.CatalogException:
        rows = con.execute(SUMMARY_SQL.format(rows=PAYLOAD_ONLY_SQL)).fetchall()  # no dbt build yet
    order = list(DATA_TYPES)
    result = sorted(
        (StatusRow(*r) for r in rows),
        key=lambda r: (r.gamertag or "", r.player_xuid, order.index(r.data_type) if r.data_type in order else 99),
    )
    if players:
        specs = [parse_player_spec(p) for p in players]
        wanted_xuids = {s.xuid for s in specs if s.xuid}
        wanted_tags = {s.gamertag.casefold() for s in specs if s.gamertag}
        result = [r for r in result if r.player_xuid in wanted_xuids or (r.gamertag or "").casefold() in wanted_tags]
    return result


@dataclass(frozen=True)
class StuckGaps:
    """Stuck payloads of one tracked player and endpoint that failed the same way."""

    gamertag: str
    endpoint: str
    count: int
    last_error: str
    http_status: int | None

    @property
    def hint(self) -> str:
        if self.http_status in (401, 403):
            return "sign in again (`halo auth login`, or a fresh HALO_SPARTAN_TOKEN), then `halo ingest`"
        if self.http_status == 429:
            return "the service keeps throttling: run `halo ingest` with a lower --rate"
        if self.http_status is None:
            return "requests keep timing out or dropping: check the network, try a lower --concurrency"
        if self.http_status >= 500:
            return ("the service keeps failing on these: `halo ingest` retries them every run; "
                    "if they never land, the data may be gone on the service's side")
        return "`halo ingest --retry-failed` tries them again"


STUCK_SQL = """
select
    coalesce(any_value(tracked.gamertag), history.player_xuid), status.endpoint, count(*),
    coalesce('HTTP ' || status.http_status, any_value(status.error), 'failed') || ', last on '
        || strftime(max(status.last_attempt_at) at time zone 'UTC', '%Y-%m-%d %H:%M UTC'),
    status.http_status
from landing.match_history as history
join landing.tracked_players as tracked on tracked.xuid = history.player_xuid
join landing.match_payload_status as status on status.match_id = history.match_id
where status.completeness = 'stuck'
group by history.player_xuid, status.endpoint, status.http_status
order by 1, 2
"""


def stuck_gaps(con: duckdb.DuckDBPyConnection) -> list[StuckGaps]:
    """Every stuck gap of a tracked player, grouped by player, endpoint and HTTP status."""
    return [StuckGaps(*row) for row in con.execute(STUCK_SQL).fetchall()]
