select
    player_xuid,
    match_id,
    data_type
from {{ ref('fct_match_completeness') }}
where status = 'missing'
    and data_type in ('film_manifest', 'film_chunk')
