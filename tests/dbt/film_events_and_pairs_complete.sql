-- Completeness, film events and pairs: every decoded film has exactly its decoded events in
-- fct_film_events and exactly its pairs in fct_killer_victim_pairs, built from the decoded chunk
-- (chunk_fetched_at) and the current match stats (stats_fetched_at, NULL = none), and no mart
-- holds rows of a match without a current decode. The decode row (int_film_chunk_decodes) is what
-- marks a film done, so a film with 0 events or 0 pairs expects 0 rows here.
with

decodes as (

    select match_id, chunk_fetched_at, event_count, pair_count
    from {{ ref('int_film_chunk_decodes') }}

),

matches as (

    select match_id, stats_fetched_at from {{ ref('dim_matches') }}

),

expected as (

    select decodes.*, matches.stats_fetched_at
    from decodes
    left join matches on decodes.match_id = matches.match_id

),

events as (

    select
        match_id,
        count(*) as rows_built,
        count(*) filter (
            where chunk_fetched_at is distinct from expected_chunk_fetched_at
                or stats_fetched_at is distinct from expected_stats_fetched_at
        ) as stale_rows
    from (
        select
            built.match_id,
            built.chunk_fetched_at,
            built.stats_fetched_at,
            expected.chunk_fetched_at as expected_chunk_fetched_at,
            expected.stats_fetched_at as expected_stats_fetched_at
        from {{ ref('fct_film_events') }} as built
        left join expected on built.match_id = expected.match_id
    )
    group by match_id

),

pairs as (

    select
        match_id,
        count(*) as rows_built,
        count(*) filter (
            where chunk_fetched_at is distinct from expected_chunk_fetched_at
                or stats_fetched_at is distinct from expected_stats_fetched_at
        ) as stale_rows
    from (
        select
            built.match_id,
            built.chunk_fetched_at,
            built.stats_fetched_at,
            expected.chunk_fetched_at as expected_chunk_fetched_at,
            expected.stats_fetched_at as expected_stats_fetched_at
        from {{ ref('fct_killer_victim_pairs') }} as built
        left join expected on built.match_id = expected.match_id
    )
    group by match_id

),

compared as (

    select
        coalesce(expected.match_id, events.match_id, pairs.match_id) as match_id,
        expected.event_count,
        coalesce(events.rows_built, 0) as event_rows,
        coalesce(events.stale_rows, 0) as stale_event_rows,
        expected.pair_count,
        coalesce(pairs.rows_built, 0) as pair_rows,
        coalesce(pairs.stale_rows, 0) as stale_pair_rows
    from expected
    full outer join events on expected.match_id = events.match_id
    full outer join pairs on coalesce(expected.match_id, events.match_id) = pairs.match_id

)

select *
from compared
where event_count is null
    or event_rows <> event_count
    or stale_event_rows > 0
    or pair_rows <> pair_count
    or stale_pair_rows > 0
