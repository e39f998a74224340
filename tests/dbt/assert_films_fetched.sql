-- Films never attempted for a listed match (an ingest run with --no-film, or interrupted before
-- its films): the next `halo ingest` fetches them while they still exist. A warning, because a
-- film is best-effort data that expires.
select player_xuid, match_id, data_type
from {{ ref('fct_match_completeness') }}
where status = 'missing'
    and data_type in ('film_manifest', 'film_chunk')
