with

payload_players as (

    select
        match_id,
        unnest(list_distinct(json_extract_string(payload, '$.Players[*].PlayerId'))) as player_id
    from {{ source('halo', 'match_stats') }}
    where {{ halo_audited_matches([ref('fct_match_players')]) }}

),

mart as (

    select
        match_id,
        player_id
    from {{ ref('fct_match_players') }}
    where {{ halo_audited_matches([ref('fct_match_players')]) }}

)

select
    payload_players.match_id,
    payload_players.player_id,
    'missing from fct_match_players' as problem
from payload_players
left join mart
    on payload_players.match_id = mart.match_id
        and payload_players.player_id = mart.player_id
where mart.match_id is null

union all

select
    mart.match_id,
    mart.player_id,
    'not in the stats payload' as problem
from mart
left join payload_players
    on mart.match_id = payload_players.match_id
        and mart.player_id = payload_players.player_id
where payload_players.match_id is null
