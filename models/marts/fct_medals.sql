{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='match_id',
        on_schema_change='fail'
    )
}}
-- Grain: match x player x medal (count > 0 only), key (match_id, player_id, medal_name_id).
-- Incremental filter = missing-data detection, whole matches replaced (delete+insert on match_id):
-- a match is (re)built when it has medals but no row here yet, when its stats payload was
-- re-fetched (stats fetched_at newer than the stored stats_fetched_at), or when a newer medal
-- metadata fetch landed than the one its names were taken from (medal_metadata_fetched_at), so a
-- NameId missing from stale metadata gets its name once fresh metadata lands.
with

medals as (

    select * from {{ ref('int_match_medals_named') }}

),

{% if is_incremental() %}

built as (

    select
        match_id,
        max(stats_fetched_at) as stats_fetched_at,
        max(medal_metadata_fetched_at) as medal_metadata_fetched_at
    from {{ this }}
    group by match_id

),

candidates as (

    select
        match_id,
        max(stats_fetched_at) as stats_fetched_at,
        max(medal_metadata_fetched_at) as medal_metadata_fetched_at
    from medals
    group by match_id

),

matches_to_build as (

    select candidates.match_id
    from candidates
    left join built on candidates.match_id = built.match_id
    where built.match_id is null
        or candidates.stats_fetched_at > built.stats_fetched_at
        or candidates.medal_metadata_fetched_at
            > coalesce(built.medal_metadata_fetched_at, '-infinity'::timestamptz)

),

{% else %}

matches_to_build as (

    select distinct match_id from medals

),

{% endif %}

final as (

    select
        medals.*,
        -- Lineage: the dbt invocation that (re)wrote the row (the only column a --full-refresh
        -- legitimately changes); counts what each build wrote, as dbt-duckdb reports no row counts.
        '{{ invocation_id }}' as dbt_invocation_id
    from medals
    inner join matches_to_build on medals.match_id = matches_to_build.match_id

)

select * from final
