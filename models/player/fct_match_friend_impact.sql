-- Incremental per (tracked player, match): rebuilt when the match's film is decoded again, its
-- stats change (outcomes) or the player's friend set moves; matches without a decoded film have
-- no rows (docs/domain/player_progress.md).
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

candidates as (

    select
        player_matches.player_xuid,
        player_matches.match_id,
        decoded_films.chunk_landing_seq,
        matches.stats_landing_seq,
        coalesce(friend_sets.friend_xuids, []) as friend_xuids
    from player_matches
    inner join decoded_films on player_matches.match_id = decoded_films.match_id
    inner join matches on player_matches.match_id = matches.match_id
    left join friend_sets on player_matches.player_xuid = friend_sets.player_xuid

),

impact_to_build as (

    {{ halo_keys_to_build(
        'candidates',
        ['player_xuid', 'match_id'],
        ['chunk_landing_seq', 'stats_landing_seq', 'friend_xuids']
    ) }}

),

matches_to_read as (

    select distinct match_id from impact_to_build

),

match_players as (

    select
        match_players.match_id,
        match_players.xuid,
        match_players.outcome
    from {{ ref('fct_match_players') }} as match_players
    inner join matches_to_read on match_players.match_id = matches_to_read.match_id
    where match_players.xuid is not null

),

-- Suicides and team kills are not kills; a kill whose team-kill flag is unknown is.
kills as (

    select
        pairs.match_id,
        pairs.killer_xuid,
        pairs.time_ms,
        pairs.kill_seq
    from {{ ref('fct_killer_victim_pairs') }} as pairs
    inner join matches_to_read on pairs.match_id = matches_to_read.match_id
    where not pairs.is_suicide
        and pairs.is_team_kill is not true

),

deaths as (

    select
        events.match_id,
        events.xuid,
        events.time_ms,
        events.event_seq
    from {{ ref('fct_film_events') }} as events
    inner join matches_to_read on events.match_id = matches_to_read.match_id
    where events.event_type = 'death'
        and events.time_ms is not null

),

first_bloods as (

    select
        match_id,
        killer_xuid as xuid
    from kills
    qualify row_number() over (partition by match_id order by time_ms asc, kill_seq asc) = 1

),

last_kills as (

    select
        match_id,
        killer_xuid as xuid
    from kills
    qualify row_number() over (partition by match_id order by time_ms desc, kill_seq desc) = 1

),

last_deaths as (

    select
        match_id,
        xuid
    from deaths
    qualify row_number() over (partition by match_id order by time_ms desc, event_seq desc) = 1

),

people as (

    -- The tracked player, and each friend who played the match (either team).
    select
        player_xuid,
        match_id,
        player_xuid as xuid
    from impact_to_build

    union

    select
        impact_to_build.player_xuid,
        impact_to_build.match_id,
        match_players.xuid
    from impact_to_build
    inner join match_players
        on impact_to_build.match_id = match_players.match_id
            and list_contains(impact_to_build.friend_xuids, match_players.xuid)

),

moments as (

    select
        people.player_xuid,
        people.match_id,
        people.xuid,
        match_players.outcome,
        first_bloods.xuid is not null as first_blood,
        last_kills.xuid is not null and match_players.outcome = 2 as clutch_finisher,
        last_deaths.xuid is not null and match_players.outcome = 3 as last_casualty
    from people
    left join match_players
        on people.match_id = match_players.match_id
            and people.xuid = match_players.xuid
    left join first_bloods
        on people.match_id = first_bloods.match_id
            and people.xuid = first_bloods.xuid
    left join last_kills
        on people.match_id = last_kills.match_id
            and people.xuid = last_kills.xuid
    left join last_deaths
        on people.match_id = last_deaths.match_id
            and people.xuid = last_deaths.xuid

),

final as (

    select
        moments.player_xuid,
        moments.match_id,
        moments.xuid,
        moments.xuid = moments.player_xuid as is_tracked_player,
        moments.outcome,
        moments.first_blood,
        coalesce(moments.clutch_finisher, false) as clutch_finisher,
        coalesce(moments.last_casualty, false) as last_casualty,
        case when moments.first_blood then 1 else 0 end
        + case when moments.clutch_finisher then 2 else 0 end
        - case when moments.last_casualty then 1 else 0 end as impact_points,
        impact_to_build.chunk_landing_seq,
        impact_to_build.stats_landing_seq,
        impact_to_build.friend_xuids,
        '{{ invocation_id }}' as dbt_invocation_id
    from moments
    inner join impact_to_build
        on moments.player_xuid = impact_to_build.player_xuid
            and moments.match_id = impact_to_build.match_id

)

select * from final
