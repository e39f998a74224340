with

expected_players as (

    select
        match_id,
        xuid,
        chunk_landing_seq,
        stats_landing_seq
    from {{ ref('prep_film_player_reconciliation') }}

),

built as (

    select
        match_id,
        xuid,
        chunk_landing_seq,
        stats_landing_seq
    from {{ ref('fct_film_reconciliation') }}

)

select
    coalesce(expected_players.match_id, built.match_id) as match_id,
    coalesce(expected_players.xuid, built.xuid) as xuid,
    case
        when built.match_id is null then 'not reconciled'
        when expected_players.match_id is null then 'not reconcilable (any more)'
        else 'built from an older chunk or stats'
    end as problem
from expected_players
full outer join built
    on expected_players.match_id = built.match_id
        and expected_players.xuid = built.xuid
where built.match_id is null
    or expected_players.match_id is null
    or built.chunk_landing_seq <> expected_players.chunk_landing_seq
    or built.stats_landing_seq <> expected_players.stats_landing_seq
