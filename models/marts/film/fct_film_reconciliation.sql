{{
    config(
        materialized='incremental',
        unique_key='match_id',
        post_hook="{{ film_stale_rows_post_hook('decode_error is null', stats_required=true) }}"
    )
}}
-- Grain: match x human player, for every film decoded without error whose stats have landed;
-- key (match_id, xuid). Film kill/death/medal counts against the match stats
-- (int_film_player_reconciliation). Incremental filter = missing-data detection, whole matches
-- replaced (delete+insert on match_id): a match is (re)built when it has no row here yet, when
-- its chunk was decoded again (chunk_fetched_at differs) or its stats payload changed
-- (stats_fetched_at differs). The post-hook deletes rows of a match whose film now fails to
-- decode or whose versions moved without a rewrite.
with

reconciliation as (

    select * from {{ ref('int_film_player_reconciliation') }}

),

matches_to_build as (

    {{ film_matches_to_build('decode_error is null', stats_required=true) }}

),

final as (

    select
        reconciliation.*,
        -- Lineage: the dbt invocation that (re)wrote the row (the only column a --full-refresh
        -- legitimately changes); counts what each build wrote, as dbt-duckdb reports no row counts.
        '{{ invocation_id }}' as dbt_invocation_id
    from reconciliation
    inner join matches_to_build
        on reconciliation.match_id = matches_to_build.match_id
        and reconciliation.chunk_fetched_at = matches_to_build.chunk_fetched_at
        and reconciliation.stats_fetched_at = matches_to_build.stats_fetched_at

)

select * from final
