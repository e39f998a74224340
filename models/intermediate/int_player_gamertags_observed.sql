-- Every observation of a (xuid, gamertag), with the time the gamertag was seen to be current:
--   profile (landing.players): fetched_at - the profile service answers with the gamertag as of
--                              the fetch, so it is the freshest source;
--   tracked player:            added_at - the gamertag the user typed/resolved when adding.
-- Match stats carry no gamertags. (Film highlight events, later, will add observations dated by
-- the match start time, so an old film never overrides a newer profile.)
with

profiles as (

    select * from {{ ref('stg_halo__players') }}

),

tracked as (

    select * from {{ ref('stg_halo__tracked_players') }}

),

observations as (

    select
        xuid,
        gamertag,
        fetched_at as seen_at,
        'profile' as source,
        1 as source_priority
    from profiles
    where gamertag is not null

    union all

    select
        xuid,
        gamertag,
        added_at as seen_at,
        'tracked_player' as source,
        2 as source_priority
    from tracked
    where gamertag is not null

),

final as (

    select * from observations

)

select * from final
