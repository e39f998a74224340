-- Every tracked player's match with a decoded film has its impact rows, built from the current
-- film, stats and friend set, one per person who should have one; no match without a decoded
-- film has any (docs/domain/player_progress.md).
with

player_matches as (

    select
        player_xuid,
        match_id
    from {{ ref('prep_player_match_inputs') }}

),

decoded_films as (

    select
        match_id,
        chunk_landing_seq
    from {{ ref('fct_film_decodes') }}
    where is_decoded

),

matches as (

    select
        match_id,
        stats_landing_seq
    from {{ ref('dim_matches') }}

),

friend_sets as (

    select
        player_xuid,
        friend_xuids
    from {{ ref('fct_player_friend_sets') }}

),

match_players as (

    select
        match_id,
        xuid
    from {{ ref('fct_match_players') }}
    where xuid is not null

),

impact as (

    select
        player_xuid,
        match_id,
        xuid,
        chunk_landing_seq,
        stats_landing_seq,
        friend_xuids
    from {{ ref('fct_match_friend_impact') }}

),

expected_people as (

    select
        player_matches.player_xuid,
        player_matches.match_id,
        match_players.xuid,
        decoded_films.chunk_landing_seq,
        matches.stats_landing_seq,
        coalesce(friend_sets.friend_xuids, []) as friend_xuids
    from player_matches
    inner join decoded_films on player_matches.match_id = decoded_films.match_id
    inner join matches on player_matches.match_id = matches.match_id
    inner join match_players on player_matches.match_id = match_players.match_id
    left join friend_sets on player_matches.player_xuid = friend_sets.player_xuid
    where match_players.xuid = player_matches.player_xuid
        or list_contains(coalesce(friend_sets.friend_xuids, []), match_players.xuid)

),

missing as (

    select * from expected_people
    except
    select * from impact

),

extra as (

    select * from impact
    except
    select * from expected_people

),

problems as (

    select
        player_xuid,
        match_id,
        xuid,
        'no impact row built from the current film, stats and friend set' as problem
    from missing

    union all

    select
        player_xuid,
        match_id,
        xuid,
        'impact row of no decoded film, no such person, or stale' as problem
    from extra

),

final as (

    select
        player_xuid,
        match_id,
        xuid,
        problem
    from problems

)

select * from final
