-- The distinct (xuid, gamertag) pairs are listed once at decode time, so gamertag observations
-- need not unnest every event of every film on each build.
with

decodes as (

    select
        match_id,
        chunk_fetched_at,
        players
    from {{ ref('int_film_chunk_decodes') }}
    where event_count > 0

),

unnested as (

    select
        match_id,
        chunk_fetched_at,
        -- A recursive unnest expands the structs into their fields: no alias to give.
        unnest(players, recursive := true)  -- noqa: AL03
    from decodes

),

final as (

    select
        match_id,
        xuid,
        gamertag,
        chunk_fetched_at
    from unnested

)

select * from final
