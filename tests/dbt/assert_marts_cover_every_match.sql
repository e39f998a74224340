with

-- What has landed now (a view over the landing tables), not what the staging tables last unpacked.
landings as (

    select * from {{ ref('stg_halo__match_payload_landings') }}

),

stats as (

    select
        match_id,
        landing_seq
    from landings
    where endpoint = 'match_stats'

),

with_players as (

    select match_id
    from {{ source('halo', 'match_stats') }}
    where len(list_filter(json_extract_string(payload, '$.Players[*].PlayerId'), lambda x: x is not null)) > 0

),

skill as (

    select
        match_id,
        landing_seq
    from landings
    where endpoint = 'match_skill'

),

named as (

    select
        match_id,
        assets_resolved_count,
        assets_landing_seq
    from {{ ref('int_matches_named') }}

),

dim as (

    select
        match_id,
        stats_landing_seq,
        assets_resolved_count,
        assets_landing_seq
    from {{ ref('dim_matches') }}

),

fct as (

    select
        match_id,
        max(stats_landing_seq) as stats_landing_seq,
        max(skill_landing_seq) as skill_landing_seq
    from {{ ref('fct_match_players') }}
    group by match_id

)

select
    stats.match_id,
    'dim_matches' as mart,
    'missing or stale' as problem
from stats
left join dim on stats.match_id = dim.match_id
left join named on stats.match_id = named.match_id
where dim.match_id is null
    or dim.stats_landing_seq <> stats.landing_seq
    or dim.assets_resolved_count <> named.assets_resolved_count
    or dim.assets_landing_seq is distinct from named.assets_landing_seq

union all

select
    stats.match_id,
    'fct_match_players' as mart,
    'missing or stale' as problem
from stats
left join fct on stats.match_id = fct.match_id
left join skill on stats.match_id = skill.match_id
-- A payload listing no player with a PlayerId has no rows to build (assert_payloads_well_formed
-- reports it).
where (fct.match_id is null and stats.match_id in (select with_players.match_id from with_players))
    or fct.stats_landing_seq <> stats.landing_seq
    or fct.skill_landing_seq is distinct from skill.landing_seq

union all

select
    medals.match_id,
    'fct_medals' as mart,
    'names from an older medal-metadata fetch' as problem
from {{ ref('fct_medals') }} as medals
where medals.medal_metadata_landing_seq is distinct from (
        select max(metadata.landing_seq) from {{ source('halo', 'medal_metadata') }} as metadata
    )
group by medals.match_id
