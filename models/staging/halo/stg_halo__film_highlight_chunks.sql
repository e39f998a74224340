-- The one place SQL decides which film chunk holds the highlight events: ChunkType 3 (seed
-- film_chunk_type_codes). Everything else reads this model, never landing.film_chunks.
with

-- Not materialized: used twice, DuckDB would otherwise copy every chunk's bytes (~270 KB each)
-- into memory before a filter on match_id could skip them.
chunks as not materialized (

    select * from {{ source('halo', 'film_chunks') }}
    where chunk_type = 3

),

manifests as (

    select * from {{ source('halo', 'film_manifests') }}

),

-- The window sees only the keys, never the bytes. The ingester lands one highlight chunk per
-- match (the manifest's last); should two ever land, the highest chunk_index is the one used.
latest_chunk_keys as (

    select
        match_id,
        chunk_index
    from chunks
    qualify row_number() over (partition by match_id order by chunk_index desc) = 1

),

latest_chunks as (

    select chunks.*
    from chunks
    inner join latest_chunk_keys
        on
            chunks.match_id = latest_chunk_keys.match_id
            and chunks.chunk_index = latest_chunk_keys.chunk_index

),

final as (

    select
        latest_chunks.match_id,
        latest_chunks.chunk_index,
        -- The chunk row's version (the ingester copies it from the manifest), else the manifest's.
        coalesce(
            latest_chunks.film_major_version,
            try_cast(json_extract_string(manifests.payload, '$.CustomData.FilmMajorVersion') as integer)
        ) as film_major_version,
        latest_chunks.data,
        octet_length(latest_chunks.data) as chunk_bytes,
        latest_chunks.fetched_at,
        latest_chunks.landing_seq,
        manifests.fetched_at as manifest_fetched_at
    from latest_chunks
    left join manifests on latest_chunks.match_id = manifests.match_id

)

select * from final
