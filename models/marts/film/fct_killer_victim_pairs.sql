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
                left join {{ ref('dim_matches') }} as matches on decodes.match_id = matches.match_id
                where decodes.match_id = built.match_id
                    and decodes.pair_count > 0
                    and decodes.chunk_fetched_at = built.chunk_fetched_at
                    and matches.stats_fetched_at is not distinct from built.stats_fetched_at
            )"
        ]
    )
}}
-- Grain: one paired kill; key (match_id, kill_seq). Pairs are computed when the chunk is decoded
-- (int_film_chunk_decodes: a match with 0 pairs keeps its decode row, so it is never paired
-- again); this mart unnests them with team ids and the team-kill flag (int_film_kill_pairs).
-- Incremental filter = missing-data detection, whole matches replaced (delete+insert on match_id):
-- a match is (re)built when its film has pairs but no row here yet, when its chunk was decoded
-- again (chunk_fetched_at differs) or its stats payload changed (stats_fetched_at differs, NULL =
-- no stats yet: team ids and is_team_kill arrive with the stats). The post-hook deletes rows of
-- a film that now has no pairs or whose versions moved without a rewrite.
with

pairs as (

    select * from {{ ref('int_film_kill_pairs') }}

),

decodes as (

    select match_id, chunk_fetched_at
    from {{ ref('int_film_chunk_decodes') }}
    where pair_count > 0

),

matches as (

    select match_id, stats_fetched_at from {{ ref('dim_matches') }}

),

versions as (

    select decodes.match_id, decodes.chunk_fetched_at, matches.stats_fetched_at
    from decodes
    left join matches on decodes.match_id = matches.match_id

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
        pairs.match_id,
        pairs.kill_seq,
        pairs.killer_xuid,
        pairs.killer_gamertag,
        pairs.victim_xuid,
        pairs.victim_gamertag,
        pairs.time_ms,
        pairs.death_time_ms,
        pairs.delta_ms,
        pairs.is_suicide,
        pairs.is_team_kill,
        pairs.killer_team_id,
        pairs.victim_team_id,
        pairs.chunk_fetched_at,
        pairs.stats_fetched_at,
        -- Lineage: the dbt invocation that (re)wrote the row (the only column a --full-refresh
        -- legitimately changes); counts what each build wrote, as dbt-duckdb reports no row counts.
        '{{ invocation_id }}' as dbt_invocation_id
    from pairs
    inner join matches_to_build
        on pairs.match_id = matches_to_build.match_id
        and pairs.chunk_fetched_at = matches_to_build.chunk_fetched_at

)

select * from final
