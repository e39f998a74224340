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
                    and decodes.event_count > 0
                    and decodes.chunk_fetched_at = built.chunk_fetched_at
                    and matches.stats_fetched_at is not distinct from built.stats_fetched_at
            )"
        ]
    )
}}
-- Grain: one decoded highlight event; key (match_id, event_seq).
-- Incremental filter = missing-data detection, whole matches replaced (delete+insert on match_id):
-- a match is (re)built when its film has events but no row here yet, when its chunk was decoded
-- again (chunk landed again: chunk_fetched_at differs) or when its stats payload changed
-- (stats_fetched_at differs, NULL = no stats: team ids arrive with the stats). The post-hook
-- deletes rows of a film that now has no events or whose versions moved without a rewrite.
with

events as (

    select * from {{ ref('int_film_events') }}

),

decodes as (

    select match_id, chunk_fetched_at
    from {{ ref('int_film_chunk_decodes') }}
    where event_count > 0

),

matches as (

    select match_id, stats_fetched_at from {{ ref('dim_matches') }}

),

players as (

    select match_id, xuid, team_id
    from {{ ref('fct_match_players') }}
    where xuid is not null

),

medal_codes as (

    select * from {{ ref('film_medal_codes') }}

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
        events.match_id,
        events.event_seq,
        events.xuid,
        events.gamertag,
        events.event_type,
        events.type_hint,
        events.is_medal,
        events.time_ms,
        events.medal_code,
        medal_codes.medal_name,
        players.team_id,
        events.bit_offset,
        events.film_major_version,
        events.chunk_fetched_at,
        matches_to_build.stats_fetched_at,
        -- Lineage: the dbt invocation that (re)wrote the row (the only column a --full-refresh
        -- legitimately changes); counts what each build wrote, as dbt-duckdb reports no row counts.
        '{{ invocation_id }}' as dbt_invocation_id
    from events
    inner join matches_to_build
        on events.match_id = matches_to_build.match_id
        and events.chunk_fetched_at = matches_to_build.chunk_fetched_at
    left join players
        on events.match_id = players.match_id
        and events.xuid = players.xuid
    left join medal_codes on events.medal_code = medal_codes.film_medal_code

)

select * from final
