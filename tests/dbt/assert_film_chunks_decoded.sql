-- Completeness, film decoding: every landed highlight chunk has its decode row in
-- int_film_chunk_decodes, built from the chunk as it is landed now (same chunk_index and
-- fetched_at) with the current pairing tolerance. A decode that failed is still a row (with its
-- decode_error; see the warn test assert_films_decode_without_errors); a chunk with no row is an unexplained gap.
select
    chunks.match_id,
    chunks.chunk_index,
    chunks.fetched_at,
    decodes.chunk_fetched_at,
    decodes.pair_tolerance_ms,
    case
        when decodes.match_id is null then 'not decoded'
        when decodes.chunk_index <> chunks.chunk_index then 'decoded another chunk'
        when decodes.chunk_fetched_at <> chunks.fetched_at then 'decoded an older landing of the chunk'
        else 'paired with another tolerance'
    end as problem
from {{ ref('stg_halo__film_highlight_chunks') }} as chunks
left join {{ ref('int_film_chunk_decodes') }} as decodes on chunks.match_id = decodes.match_id
where decodes.match_id is null
    or decodes.chunk_index <> chunks.chunk_index
    or decodes.chunk_fetched_at <> chunks.fetched_at
    or decodes.pair_tolerance_ms <> {{ var('film_pair_tolerance_ms', 5) }}
