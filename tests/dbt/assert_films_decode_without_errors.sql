select
    match_id,
    film_major_version,
    chunk_bytes,
    chunk_fetched_at,
    decode_error,
    skipped_records,
    first_skip_reason
from {{ ref('fct_film_decodes') }}
where decode_error is not null
    or skipped_records > 0
