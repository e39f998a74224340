-- One row per match x (xuid, gamertag) a decoded film names: the nested players list of
-- int_film_chunk_decodes (distinct pairs, computed once at decode time), unnested. What gamertag
-- observations need, without unnesting every event of every film on each build.
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
