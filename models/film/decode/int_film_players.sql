-- The distinct (xuid, gamertag) pairs are listed once at decode time, so gamertag observations
-- need not unnest every event of every film on each build.
with

decodes as (

    select match_id, chunk_fetched_at, players
    from {{ ref('int_film_chunk_decodes') }}
    where event_count > 0

),

unnested as (

    select
        match_id,
        chunk_fetched_at,
        unnest(players, recursive := true)
    from decodes

),

final as (

    select match_id, xuid, gamertag, chunk_fetched_at from unnested

)

select * from final
