-- Completeness, skill: every listed matchmade match has its skill payload, or a recorded failure
-- (terminal, or retryable: see assert_no_pending_retries) explains why not; customs are 'not_applicable' in
-- landing.match_payload_status (read as is). Never attempted = unexplained = the build fails.
select match_id, endpoint, status, http_status, error, last_attempt_at
from {{ ref('stg_halo__match_payload_status') }}
where endpoint = 'match_skill'
    and status = 'missing'
