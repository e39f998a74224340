-- A table rebuilt on every run: it follows the tracked-player list and its career rows change with
-- every new film, so rebuilding it (one group-by over the pairs, bench/film_model.py) always
-- equals a full refresh.
with

tracked as (

    select xuid as player_xuid from {{ ref('stg_halo__tracked_players') }}

),

pairs as (

    select
        match_id,
        killer_xuid,
        killer_gamertag,
        victim_xuid,
        victim_gamertag
    from {{ ref('fct_killer_victim_pairs') }}
    where not is_suicide
        and not coalesce(is_team_kill, false)

),

players as (

    select
        xuid,
        gamertag
    from {{ ref('dim_players') }}

),

directed as (

    select
        match_id,
        killer_xuid as player_xuid,
        victim_xuid as opponent_xuid,
        victim_gamertag as opponent_gamertag,
        1 as my_kill,
        0 as their_kill
    from pairs

    union all

    select
        match_id,
        victim_xuid as player_xuid,
        killer_xuid as opponent_xuid,
        killer_gamertag as opponent_gamertag,
        0 as my_kill,
        1 as their_kill
    from pairs

),

match_duels as (

    select
        directed.player_xuid,
        'match' as scope,
        directed.match_id,
        directed.opponent_xuid,
        max(directed.opponent_gamertag) as opponent_gamertag,
        1 as matches,
        sum(directed.my_kill) as my_kills,
        sum(directed.their_kill) as their_kills
    from directed
    inner join tracked on directed.player_xuid = tracked.player_xuid
    group by directed.player_xuid, directed.match_id, directed.opponent_xuid

),

career_duels as (

    select
        match_duels.player_xuid,
        'career' as scope,
        null as match_id,
        match_duels.opponent_xuid,
        coalesce(max(players.gamertag), max(match_duels.opponent_gamertag)) as opponent_gamertag,
        count(*) as matches,
        sum(match_duels.my_kills) as my_kills,
        sum(match_duels.their_kills) as their_kills
    from match_duels
    left join players on match_duels.opponent_xuid = players.xuid
    group by match_duels.player_xuid, match_duels.opponent_xuid

),

duels as (

    select * from match_duels
    union all
    select * from career_duels

),

final as (

    select
        player_xuid,
        scope,
        match_id,
        opponent_xuid,
        opponent_gamertag,
        matches,
        my_kills::bigint as my_kills,
        their_kills::bigint as their_kills,
        (my_kills - their_kills)::bigint as net_kills
    from duels

)

select * from final
