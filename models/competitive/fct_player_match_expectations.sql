-- Incremental per (player, match) on the stats and skill versions; the post-hook drops rows no
-- longer current. The rules (z-scores, verdict, closest tier) are docs/domain/competitive.md's.
with

player_matches as (

    select * from {{ ref('prep_competitive_player_matches') }}

),

with_skill as (

    select *
    from player_matches
    where is_matchmade
        and skill_result_code = 0

),

rows_to_build as (

    {{ halo_keys_to_build(
        'with_skill', ['player_xuid', 'match_id'], ['stats_landing_seq', 'skill_landing_seq']
    ) }}

),

to_build as (

    select with_skill.*
    from with_skill
    inner join rows_to_build
        on with_skill.player_xuid = rows_to_build.player_xuid
            and with_skill.match_id = rows_to_build.match_id

),

z_scores as (

    select
        player_xuid,
        match_id,
        kills - kills_expected as kills_minus_expected,
        deaths - deaths_expected as deaths_minus_expected,
        case when kills_stddev > 0 then (kills - kills_expected) / kills_stddev end as kills_z,
        case when deaths_stddev > 0 then (deaths - deaths_expected) / deaths_stddev end as deaths_z
    from to_build

),

tier_points as (

    select
        player_xuid,
        match_id,
        kills,
        deaths,
        unnest([
            {%- for tier in halo_csr_tiers() %}
            {
                'tier': '{{ tier }}',
                'tier_order': {{ loop.index }},
                'tier_kills': {{ tier | lower }}_counterfactual_kills,
                'tier_deaths': {{ tier | lower }}_counterfactual_deaths
            }{{ "," if not loop.last }}
            {%- endfor %}
        ], recursive := true)  -- noqa: AL03
    from to_build

),

closest_tier as (

    select
        player_xuid,
        match_id,
        tier as closest_tier,
        sqrt(power(kills - tier_kills, 2) + power(deaths - tier_deaths, 2)) as closest_tier_distance
    from tier_points
    where kills is not null
        and deaths is not null
        and tier_kills is not null
        and tier_deaths is not null
    qualify row_number() over (
            partition by player_xuid, match_id
            order by closest_tier_distance, tier_order
        ) = 1

),

final as (

    select
        to_build.player_xuid,
        to_build.match_id,
        to_build.start_time,
        to_build.kills,
        to_build.kills_expected,
        to_build.kills_stddev,
        z_scores.kills_minus_expected,
        z_scores.kills_z,
        to_build.deaths,
        to_build.deaths_expected,
        to_build.deaths_stddev,
        z_scores.deaths_minus_expected,
        z_scores.deaths_z,
        (z_scores.kills_z - z_scores.deaths_z) / sqrt(2) as performance_z,
        case
            when (z_scores.kills_z - z_scores.deaths_z) / sqrt(2) > 1 then 'outperformed'
            when (z_scores.kills_z - z_scores.deaths_z) / sqrt(2) < -1 then 'underperformed'
            when z_scores.kills_z is not null and z_scores.deaths_z is not null then 'met'
        end as verdict,
        closest_tier.closest_tier,
        closest_tier.closest_tier_distance,
        to_build.stats_landing_seq,
        to_build.skill_landing_seq,
        '{{ invocation_id }}' as dbt_invocation_id
    from to_build
    inner join z_scores
        on to_build.player_xuid = z_scores.player_xuid
            and to_build.match_id = z_scores.match_id
    left join closest_tier
        on to_build.player_xuid = closest_tier.player_xuid
            and to_build.match_id = closest_tier.match_id

)

select * from final
