{{ config(materialized='incremental', unique_key='match_id') }}
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

matches_to_build as (

    {{ halo_matches_to_build('medals', ['stats_fetched_at', 'medal_metadata_fetched_at']) }}

),

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
