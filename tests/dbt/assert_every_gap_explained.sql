select
    player_xuid,
    match_id,
    data_type,
    status,
    reason
from {{ ref('fct_match_completeness') }}
where status = 'needs_build'
    or (status = 'missing' and data_type not in ('film_manifest', 'film_chunk'))
