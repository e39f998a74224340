-- Completeness, stats: every match listed in a tracked player's history has its stats payload,
-- or a terminal failure explains why not (404/400/410 recorded by the ingester). Reads the
-- shared definition landing.match_payload_status as is. A retryable failure ('failed') or no
-- attempt at all ('missing') is an unexplained gap and fails the build.
select match_id, endpoint, status, http_status, error, last_attempt_at
from {{ source('halo', 'match_payload_status') }}
where endpoint = 'match_stats'
    and status not in ('landed', 'failed_terminal', 'not_applicable')
