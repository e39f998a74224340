-- The film's own facts, no joins: team ids and medal names are added by the marts.
with

decodes as (

    select
        match_id,
        film_major_version,
        chunk_fetched_at,
        chunk_landing_seq,
        events
    from {{ ref('int_film_chunk_decodes') }}
    where event_count > 0

),

unnested as (

    select
        match_id,
        film_major_version,
        chunk_fetched_at,
        chunk_landing_seq,
        -- A recursive unnest expands the structs into their fields: no alias to give.
        unnest(events, recursive := true)  -- noqa: AL03
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
        chunk_fetched_at,
        chunk_landing_seq
    from unnested

)

select * from final
