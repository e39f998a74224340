select
    chunks.match_id,
    chunks.chunk_index,
    chunks.landing_seq,
    decodes.chunk_landing_seq,
    decodes.pair_tolerance_ms,
    case
        when decodes.match_id is null then 'not decoded'
        when decodes.chunk_index <> chunks.chunk_index then 'decoded another chunk'
        when decodes.chunk_landing_seq <> chunks.landing_seq then 'decoded an earlier landing of the chunk'
        else 'paired with another tolerance'
    end as problem
from {{ ref('stg_halo__film_highlight_chunks') }} as chunks
left join {{ ref('int_film_chunk_decodes') }} as decodes on chunks.match_id = decodes.match_id
where decodes.match_id is null
    or decodes.chunk_index <> chunks.chunk_index
    or decodes.chunk_landing_seq <> chunks.landing_seq
    or decodes.pair_tolerance_ms <> {{ var('film_pair_tolerance_ms', 5) }}
