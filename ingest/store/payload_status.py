"""``landing.match_payload_status``: per listed match and per match endpoint, has it landed, and if
not, why. The one definition of "missing", read by the ingester (what to fetch next), ``halo
status`` and dbt's completeness tests. A view, so it is always current.

It also gives each payload's completeness verdict (``completeness``, ``reason``), in the
vocabulary of ``main.fct_match_completeness``, which passes it through unchanged: the mapping from
fetch state to verdict is written here and nowhere else. That includes "stuck": a retryable gap
that has failed for too long (``StuckRule``) stops being a warning and fails the build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from analytics.film_manifest import FILM_CHUNK_TYPE_HIGHLIGHTS

from ..errors import UsageError
from ..vocabulary import MATCH_ENDPOINTS


@dataclass(frozen=True)
class StuckRule:
    """When a retryable gap is "stuck": its fetch failed in at least ``runs`` ingest runs AND its
    failed attempts span at least ``days`` days (first to latest, as recorded in
    landing.fetch_attempts). Both, so neither an hour of outage with frequent runs nor a single
    failure followed by a week without runs counts. Stuck gaps are still retried by every run;
    they fail the dbt build (assert_no_stuck_gaps) and `halo status` lists them with a hint.

    Defaults: 5 runs and 3 days; ``HALO_STUCK_AFTER_RUNS`` / ``HALO_STUCK_AFTER_DAYS`` override them
    (read when the ingester opens the warehouse for writing, which rewrites the view)."""

    runs: int = 5
    days: int = 3

    ENV_RUNS = "HALO_STUCK_AFTER_RUNS"
    ENV_DAYS = "HALO_STUCK_AFTER_DAYS"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> StuckRule:
        return cls(
            runs=_positive(env, cls.ENV_RUNS, cls.runs),
            days=_positive(env, cls.ENV_DAYS, cls.days),
        )


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


# status: landed | missing | failed (retryable; will be tried again) | failed_terminal
# (400/404/410: explained, not retried) | not_applicable (e.g. skill of a custom game, film chunk
# of a film that expired). completeness: the verdict of docs/domain/completeness.md. failed_runs
# and failing_since describe the failed attempts of a payload not landed (for StuckRule).
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
failures as (
    select
        endpoint, key, http_status, error, terminal, attempted_at, landing_seq,
        count(distinct coalesce(run_id, attempted_at::varchar)) over (partition by endpoint, key) as failed_runs,
        min(attempted_at) over (partition by endpoint, key) as failing_since,
        -- How long it has been failing, as the attempts' clock recorded it (information for the
        -- stuck rule only; which attempt is the latest follows the landing order).
        max(attempted_at) over (partition by endpoint, key) - min(attempted_at) over (partition by endpoint, key)
            as failing_for
    from landing.fetch_attempts
    where outcome <> 'landed'
),
latest_attempt as (
    -- Latest in landing order, not by attempted_at: the clock may have gone back between runs.
    select * from failures
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
        case when landed.match_id is null then latest_attempt.attempted_at end as last_attempt_at,
        case when landed.match_id is null then latest_attempt.failed_runs end as failed_runs,
        case when landed.match_id is null then latest_attempt.failing_since end as failing_since,
        case when landed.match_id is null then latest_attempt.failing_for end as failing_for
    from grid
    left join landed using (match_id, endpoint)
    left join latest_attempt on latest_attempt.endpoint = grid.endpoint and latest_attempt.key = grid.match_id
    left join film_gone on grid.endpoint = 'film_chunk' and film_gone.match_id = grid.match_id
),
verdicts as (
    select
        *,
        status = 'failed'
            and failed_runs >= {stuck_runs}
            and failing_for >= interval {stuck_days} day as is_stuck
    from fetch_state
)
select
    * exclude (is_stuck, failing_for),
    case
        when status = 'landed' then 'complete'
        when status = 'not_applicable' then 'not_applicable'
        when status = 'failed_terminal' then 'explained'
        when is_stuck then 'stuck'
        when status = 'failed' then 'retrying'
        else 'missing'
    end as completeness,
    case
        when is_stuck then
            coalesce('HTTP ' || http_status, error, 'failed') || ' in ' || failed_runs || ' runs since '
            || strftime(failing_since at time zone 'UTC', '%Y-%m-%d')
        when status in ('failed', 'failed_terminal') then coalesce('HTTP ' || http_status, error, 'failed')
        when status = 'not_applicable' and endpoint = 'match_skill' then 'not a matchmade game'
        when status = 'not_applicable' then 'the film is not available'
    end as reason
from verdicts
"""



def payload_status_view(rule: StuckRule) -> str:
    """The view's DDL, with the stuck thresholds in force."""
    return _VIEW_TEMPLATE.format(
        endpoint_rows=", ".join(f"('{endpoint}')" for endpoint in MATCH_ENDPOINTS),
        highlight_chunk_type=FILM_CHUNK_TYPE_HIGHLIGHTS,
        stuck_runs=int(rule.runs),
        stuck_days=int(rule.days),
    )


PAYLOAD_STATUS_COLUMNS: tuple[str, ...] = (
    "match_id", "endpoint", "start_time", "status", "http_status", "error", "last_attempt_at",
    "failed_runs", "failing_since", "completeness", "reason",
)
