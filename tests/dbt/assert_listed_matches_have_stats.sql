-- Completeness, stats: every match listed in a tracked player's history has its stats payload,
-- or a recorded failure explains why not: terminal (404/400/410) or retryable ('failed', retried
-- by the next ingest and listed by the warn-level test assert_no_pending_retries). Reads the shared
-- definition landing.match_payload_status as is. No attempt at all ('missing') is an unexplained
-- gap and fails the build.
select match_id, endpoint, status, http_status, error, last_attempt_at
from {{ ref('stg_halo__match_payload_status') }}
where endpoint = 'match_stats'
    and status = 'missing'
