{{ config(materialized='incremental', unique_key='match_id') }}
-- Grain: match x player x personal-score award, key (match_id, player_id, personal_score_name_id).
-- Incremental filter = missing-data detection, whole matches replaced (delete+insert on match_id):
-- a match is (re)built when it has awards but no row here yet, or when its stats payload was
-- re-fetched (stats fetched_at newer than the stored stats_fetched_at).
with

awards as (

    select * from {{ ref('int_match_personal_scores_named') }}

),

matches_to_build as (

    {{ halo_matches_to_build('awards', ['stats_fetched_at']) }}

),

final as (

    select
        awards.*,
        -- Lineage: the dbt invocation that (re)wrote the row (the only column a --full-refresh
        -- legitimately changes); counts what each build wrote, as dbt-duckdb reports no row counts.
        '{{ invocation_id }}' as dbt_invocation_id
    from awards
    inner join matches_to_build on awards.match_id = matches_to_build.match_id

)

select * from final
