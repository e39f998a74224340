select
    player_xuid,
    match_id,
    data_type,
    reason
from {{ ref('fct_match_completeness') }}
where status = 'stuck'
