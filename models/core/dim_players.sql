-- A table rebuilt in full on every run: it grows with players, not matches (a few thousand rows).
with

match_players as (

    select
        match_id,
        xuid
    from {{ ref('int_match_players_summed') }}
    where xuid is not null

),

matches as (

    select
        match_id,
        start_time
    from {{ ref('stg_halo__match_stats') }}

),

history as (

    select
        player_xuid as xuid,
        match_id,
        start_time
    from {{ ref('stg_halo__match_history') }}

),

skill as (

    select xuid from {{ ref('stg_halo__match_skill') }}
    where xuid is not null

),

profiles as (

    select xuid from {{ ref('stg_halo__players') }}

),

tracked as (

    select * from {{ ref('stg_halo__tracked_players') }}

),

gamertags as (

    select * from {{ ref('int_gamertag_observations') }}

),

appearances as (

    select
        match_players.xuid,
        match_players.match_id,
        matches.start_time
    from match_players
    left join matches on match_players.match_id = matches.match_id

    union

    select
        xuid,
        match_id,
        start_time
    from history

),

all_xuids as (

    select xuid from appearances
    union
    select xuid from skill
    union
    select xuid from profiles
    union
    select xuid from tracked
    union
    select xuid from gamertags

),

appearance_summary as (

    select
        xuid,
        count(distinct match_id) as match_count,
        min(start_time) as first_seen_at,
        max(start_time) as last_seen_at
    from appearances
    group by xuid

),

latest_gamertag as (

    select
        xuid,
        gamertag,
        seen_at as gamertag_seen_at,
        seen_in as gamertag_source
    from gamertags
    qualify row_number() over (
            partition by xuid
            order by seen_at desc, seen_in_priority asc, gamertag asc
        ) = 1

),

final as (

    select
        all_xuids.xuid,
        latest_gamertag.gamertag,
        latest_gamertag.gamertag_seen_at,
        latest_gamertag.gamertag_source,
        coalesce(appearance_summary.match_count, 0) as match_count,
        appearance_summary.first_seen_at,
        appearance_summary.last_seen_at,
        tracked.xuid is not null as is_tracked,
        tracked.added_at as tracked_since,
        tracked.friends
    from all_xuids
    left join appearance_summary on all_xuids.xuid = appearance_summary.xuid
    left join latest_gamertag on all_xuids.xuid = latest_gamertag.xuid
    left join tracked on all_xuids.xuid = tracked.xuid

)

select * from final
