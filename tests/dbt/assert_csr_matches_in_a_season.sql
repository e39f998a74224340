select
    player_xuid,
    match_id,
    start_time,
    playlist_name
from {{ ref('fct_player_csr') }}
where csr_season_id is null
