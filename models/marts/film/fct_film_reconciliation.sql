{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='match_id',
        on_schema_change='fail',
        post_hook=[
            "delete from {{ this }} as built where not exists (
                select 1
                from {{ ref('int_film_chunk_decodes') }} as decodes
                inner join {{ ref('dim_matches') }} as matches on decodes.match_id = matches.match_id
                where decodes.match_id = built.match_id
                    and decodes.decode_error is null
                    and decodes.chunk_fetched_at = built.chunk_fetched_at
                    and matches.stats_fetched_at = built.stats_fetched_at
            )"
        ]
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

decodes as (

    select match_id, chunk_fetched_at
    from {{ ref('int_film_chunk_decodes') }}
    where decode_error is null

),

matches as (

    select match_id, stats_fetched_at from {{ ref('dim_matches') }}

),

versions as (

    select decodes.match_id, decodes.chunk_fetched_at, matches.stats_fetched_at
    from decodes
    inner join matches on decodes.match_id = matches.match_id

),

{% if is_incremental() %}

built as (

    select
        match_id,
        max(chunk_fetched_at) as chunk_fetched_at,
        max(stats_fetched_at) as stats_fetched_at
    from {{ this }}
    group by match_id

),

matches_to_build as (

    select versions.*
    from versions
    left join built on versions.match_id = built.match_id
    where built.match_id is null
        or versions.chunk_fetched_at is distinct from built.chunk_fetched_at
        or versions.stats_fetched_at is distinct from built.stats_fetched_at

),

{% else %}

matches_to_build as (

    select * from versions

),

{% endif %}

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
