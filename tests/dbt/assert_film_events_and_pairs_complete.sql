with

decodes as (

    select
        match_id,
        chunk_landing_seq,
        event_count,
        pair_count
    from {{ ref('int_film_chunk_decodes') }}

),

matches as (

    select
        match_id,
        stats_landing_seq
    from {{ ref('dim_matches') }}

),

expected as (

    select
        decodes.*,
        matches.stats_landing_seq
    from decodes
    left join matches on decodes.match_id = matches.match_id

),

built as (

    select
        'events' as mart,
        match_id,
        chunk_landing_seq,
        stats_landing_seq
    from {{ ref('fct_film_events') }}

    union all

    select
        'pairs' as mart,
        match_id,
        chunk_landing_seq,
        stats_landing_seq
    from {{ ref('fct_killer_victim_pairs') }}

),

built_rows as (

    select
        built.match_id,
        built.mart,
        (
            built.chunk_landing_seq is distinct from expected.chunk_landing_seq
            or built.stats_landing_seq is distinct from expected.stats_landing_seq
        ) as is_stale
    from built
    left join expected on built.match_id = expected.match_id

),

built_per_match as (

    select
        match_id,
        count(*) filter (where mart = 'events') as event_rows,
        count(*) filter (where mart = 'events' and is_stale) as stale_event_rows,
        count(*) filter (where mart = 'pairs') as pair_rows,
        count(*) filter (where mart = 'pairs' and is_stale) as stale_pair_rows
    from built_rows
    group by match_id

),

compared as (

    select
        coalesce(expected.match_id, built_per_match.match_id) as match_id,
        expected.event_count,
        coalesce(built_per_match.event_rows, 0) as event_rows,
        coalesce(built_per_match.stale_event_rows, 0) as stale_event_rows,
        expected.pair_count,
        coalesce(built_per_match.pair_rows, 0) as pair_rows,
        coalesce(built_per_match.stale_pair_rows, 0) as stale_pair_rows
    from expected
    full outer join built_per_match on expected.match_id = built_per_match.match_id

)

select *
from compared
where event_count is null
    or event_rows <> event_count
    or stale_event_rows > 0
    or pair_rows <> pair_count
    or stale_pair_rows > 0
