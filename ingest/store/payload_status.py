"""``landing.match_payload_status``: per listed match and per match endpoint, has it landed, and if
not, why. The one definition of "missing", read by the ingester (what to fetch next), ``halo
status`` and dbt's completeness tests. A view, so it is always current.

It also gives each payload's completeness verdict (``completeness``, ``reason``), in the
vocabulary of ``main.fct_match_completeness``, which passes it through unchanged: the mapping from
fetch state to verdict is written here and nowhere else.
"""

from __future__ import annotations

from analytics.film_manifest import FILM_CHUNK_TYPE_HIGHLIGHTS

from ..vocabulary import MATCH_ENDPOINTS

# status: landed | missing | failed (retryable; will be tried again) | failed_terminal
# (400/404/410: explained, not retried) | not_applicable (e.g. skill of a custom game, film chunk
# of a film that expired). completeness: the verdict of docs/domain/completeness.md.
_VIEW_TEMPLATE = """
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
    -- Latest in landing order, not by attempted_at: the clock may have gone back between runs.
    select endpoint, key, http_status, error, terminal, attempted_at
    from landing.fetch_attempts
    where outcome <> 'landed'
    qualify row_number() over (partition by endpoint, key order by landing_seq desc) = 1
),
endpoints as (
    select * from (values {endpoint_rows}) e(endpoint)
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
    select distinct match_id, 'film_chunk' from landing.film_chunks where chunk_type = {highlight_chunk_type}
),
film_gone as (
    select key as match_id from latest_attempt where endpoint = 'film_manifest' and terminal
),
fetch_state as (
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
)
select
    *,
    case status
        when 'landed' then 'complete'
        when 'not_applicable' then 'not_applicable'
        when 'failed_terminal' then 'explained'
        when 'failed' then 'retrying'
        else 'missing'
    end as completeness,
    case
        when status in ('failed', 'failed_terminal') then coalesce('HTTP ' || http_status, error, 'failed')
        when status = 'not_applicable' and endpoint = 'match_skill' then 'not a matchmade game'
        when status = 'not_applicable' then 'the film is not available'
    end as reason
from fetch_state
"""

PAYLOAD_STATUS_VIEW = _VIEW_TEMPLATE.format(
    endpoint_rows=", ".join(f"('{endpoint}')" for endpoint in MATCH_ENDPOINTS),
    highlight_chunk_type=FILM_CHUNK_TYPE_HIGHLIGHTS,
)
PAYLOAD_STATUS_COLUMNS: tuple[str, ...] = (
    "match_id", "endpoint", "start_time", "status", "http_status", "error", "last_attempt_at",
    "completeness", "reason",
)
