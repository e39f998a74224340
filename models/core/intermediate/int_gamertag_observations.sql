-- Each observation is dated by when the gamertag was current, never by when it was processed, so
-- old data (an old film included) never overrides a newer gamertag (docs/domain/matches.md).
with

profiles as (

    select * from {{ ref('stg_halo__players') }}

),

tracked as (

    select * from {{ ref('stg_halo__tracked_players') }}

),

film_gamertags as (

    -- NUL padding stripped (the decoder stops at the first NUL; this keeps it so), blanks dropped.
    select distinct
        match_id,
        xuid,
        nullif(trim(replace(gamertag, chr(0), '')), '') as gamertag
    from {{ ref('int_film_players') }}

),

stats_starts as (

    select
        match_id,
        start_time
    from {{ ref('stg_halo__match_stats') }}

),

history_starts as (

    select
        match_id,
        min(start_time) as start_time
    from {{ ref('stg_halo__match_history') }}
    group by match_id

),

match_starts as (

    select
        coalesce(stats_starts.match_id, history_starts.match_id) as match_id,
        coalesce(stats_starts.start_time, history_starts.start_time) as start_time
    from stats_starts
    full outer join history_starts on stats_starts.match_id = history_starts.match_id

),

observations as (

    select
        xuid,
        gamertag,
        fetched_at as seen_at,
        'profile' as seen_in,
        1 as seen_in_priority
    from profiles
    where gamertag is not null

    union all

    select
        xuid,
        gamertag,
        added_at as seen_at,
        'tracked_player' as seen_in,
        2 as seen_in_priority
    from tracked
    where gamertag is not null

    union all

    select
        film_gamertags.xuid,
        film_gamertags.gamertag,
        match_starts.start_time as seen_at,
        'film' as seen_in,
        3 as seen_in_priority
    from film_gamertags
    inner join match_starts on film_gamertags.match_id = match_starts.match_id
    where film_gamertags.gamertag is not null
        and match_starts.start_time is not null

),

final as (

    select * from observations

)

select * from final
