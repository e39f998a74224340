-- A table rebuilt on every run, like the duels it reads (docs/domain/film.md).
with

duels as (

    select * from {{ ref('fct_player_opponent_duels') }}

),

scopes as (

    select
        player_xuid,
        scope,
        match_id,
        count(*) as opponents,
        sum(my_kills)::bigint as total_kills,
        sum(their_kills)::bigint as total_deaths
    from duels
    group by player_xuid, scope, match_id

),

nemeses as (

    select
        player_xuid,
        scope,
        match_id,
        opponent_xuid as nemesis_xuid,
        opponent_gamertag as nemesis_gamertag,
        their_kills as nemesis_kills,
        my_kills as nemesis_deaths
    from duels
    where their_kills > 0
    qualify row_number() over (
            partition by player_xuid, scope, match_id
            order by their_kills desc, my_kills asc, opponent_xuid asc
        ) = 1

),

victims as (

    select
        player_xuid,
        scope,
        match_id,
        opponent_xuid as victim_xuid,
        opponent_gamertag as victim_gamertag,
        my_kills as victim_kills,
        their_kills as victim_deaths
    from duels
    where my_kills > 0
    qualify row_number() over (
            partition by player_xuid, scope, match_id
            order by my_kills desc, their_kills asc, opponent_xuid asc
        ) = 1

),

final as (

    select
        scopes.player_xuid,
        scopes.scope,
        scopes.match_id,
        scopes.opponents,
        scopes.total_kills,
        scopes.total_deaths,
        nemeses.nemesis_xuid,
        nemeses.nemesis_gamertag,
        nemeses.nemesis_kills,
        nemeses.nemesis_deaths,
        victims.victim_xuid,
        victims.victim_gamertag,
        victims.victim_kills,
        victims.victim_deaths
    from scopes
    left join nemeses
        on scopes.player_xuid = nemeses.player_xuid
            and scopes.scope = nemeses.scope
            and scopes.match_id is not distinct from nemeses.match_id
    left join victims
        on scopes.player_xuid = victims.player_xuid
            and scopes.scope = victims.scope
            and scopes.match_id is not distinct from victims.match_id

)

select * from final
