-- One row per decoded highlight event (the nested events of int_film_chunk_decodes, unnested),
-- no joins: the film's own facts (xuid, gamertag as recorded at match time, type, time).
-- fct_film_events adds team ids and medal names; prep_film_player_reconciliation counts them.
with

decodes as (

    select match_id, film_major_version, chunk_fetched_at, events
    from {{ ref('int_film_chunk_decodes') }}
    where event_count > 0

),

unnested as (

    select
        match_id,
        film_major_version,
        chunk_fetched_at,
        unnest(events, recursive := true)
    from decodes

),

final as (

    select
        match_id,
        event_seq,
        xuid,
        gamertag,
        event_type,
        type_hint,
        is_medal,
        time_ms,
        medal_code,
        bit_offset,
        film_major_version,
        chunk_fetched_at
    from unnested

)

select * from final
