-- Films that could not be decoded (corrupt or truncated chunk, empty chunk, unknown film major
-- version), or decoded with skipped records. Explained (the error is recorded per match) and the
-- build goes on, but worth a look: a re-fetch of the chunk (`halo ingest`) replaces it.
select match_id, film_major_version, chunk_bytes, chunk_fetched_at, decode_error, skipped_records,
    first_skip_reason
from {{ ref('fct_film_decodes') }}
where decode_error is not null
    or skipped_records > 0
