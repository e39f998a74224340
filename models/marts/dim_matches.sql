{{ config(materialized='incremental', unique_key='match_id') }}
-- Grain: match (one row per match with a stats payload), key match_id.
-- Incremental filter = missing-data detection, whole rows replaced (delete+insert on match_id):
-- a match is (re)built when it is not in this table yet, when its stats payload was re-fetched
-- (stats fetched_at newer than the stored stats_fetched_at), or when its asset names became
-- resolvable since (more of its asset refs resolve to a landed asset version than when it was
-- built, or one of them landed again later than the stored assets_fetched_at).
with

matches as (

    select * from {{ ref('int_matches_named') }}

),

{% if is_incremental() %}

built as (

    select match_id, stats_fetched_at, assets_resolved_count, assets_fetched_at
    from {{ this }}

),

matches_to_build as (

    select matches.match_id
    from matches
    left join built on matches.match_id = built.match_id
    where built.match_id is null
        or matches.stats_fetched_at > built.stats_fetched_at
        or matches.assets_resolved_count > built.assets_resolved_count
        or matches.assets_fetched_at > coalesce(built.assets_fetched_at, '-infinity'::timestamptz)

),

{% else %}

matches_to_build as (

    select match_id from matches

),

{% endif %}

final as (

    select
        matches.*,
        -- Lineage: the dbt invocation that (re)wrote the row (the only column a --full-refresh
        -- legitimately changes); counts what each build wrote, as dbt-duckdb reports no row counts.
        '{{ invocation_id }}' as dbt_invocation_id
    from matches
    inner join matches_to_build on matches.match_id = matches_to_build.match_id

)

select * from final
