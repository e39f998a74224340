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

-- The window and the manifest join see only the keys, never the bytes. The ingester lands one
-- highlight chunk per match (the manifest's last); should two ever land, the highest chunk_index
-- is the one used.
latest_chunk_keys as (

    select
        match_id,
        chunk_index
    from chunks
    qualify row_number() over (partition by match_id order by chunk_index desc) = 1

),

-- The manifest's columns per chunk key, before any bytes are joined: joined after them, the
-- manifests could become the probe side of a hash table holding every chunk's bytes (1.5 GB of
-- resident memory to read 200 chunks of a 2,000-film warehouse).
keyed as (

    select
        latest_chunk_keys.match_id,
        latest_chunk_keys.chunk_index,
        try_cast(
            json_extract_string(manifests.payload, '$.CustomData.FilmMajorVersion') as integer
        ) as manifest_film_major_version,
        manifests.fetched_at as manifest_fetched_at
    from latest_chunk_keys
    left join manifests on latest_chunk_keys.match_id = manifests.match_id

),

final as (

    -- The keys come from `chunks`: a filter on match_id then reaches the scan of the bytes.
    select
        chunks.match_id,
        chunks.chunk_index,
        -- The chunk row's version (the ingester copies it from the manifest), else the manifest's.
        coalesce(chunks.film_major_version, keyed.manifest_film_major_version) as film_major_version,
        chunks.data,
        octet_length(chunks.data) as chunk_bytes,
        chunks.fetched_at,
        chunks.landing_seq,
        keyed.manifest_fetched_at
    from chunks
    inner join keyed
        on
            chunks.match_id = keyed.match_id
            and chunks.chunk_index = keyed.chunk_index

)

select * from final
