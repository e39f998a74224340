select
    match_id,
    endpoint,
    status,
    http_status,
    error,
    last_attempt_at
from {{ ref('stg_halo__match_payload_status') }}
where endpoint = 'match_stats'
    and status = 'missing'
