-- The payload's own TeamMmrs are preferred (in its key order: the first other team, not a mean);
-- the other team's answered players are the fallback (docs/domain/matches.md).
with

skill as (

    select * from {{ ref('stg_halo__match_skill') }}
    where is_answered

),

stats_teams as (

    select
        match_id,
        xuid,
        team_id
    from {{ ref('int_match_players_summed') }}
    where xuid is not null

),

with_team as (

    select
        skill.*,
        stats_teams.team_id as stats_team_id,
        coalesce(skill.result_team_id, stats_teams.team_id) as my_team_id
    from skill
    left join stats_teams
        on skill.match_id = stats_teams.match_id
            and skill.xuid = stats_teams.xuid

),

first_other_team as (

    select
        with_team.*,
        list_filter(
            map_entries(with_team.team_mmrs),
            lambda entry: with_team.my_team_id is null or entry.key <> cast(with_team.my_team_id as varchar)
        )[1].value as first_other_team_mmr
    from with_team

),

other_players_mean as (

    select
        me.match_id,
        me.answer_index,
        avg(other.team_mmr) as other_players_mean_mmr
    from with_team as me
    inner join with_team as other
        on me.match_id = other.match_id
            and other.my_team_id is distinct from me.my_team_id
            and other.team_mmr is not null
    group by me.match_id, me.answer_index

),

final as (

    select
        resolved.match_id,
        resolved.xuid,
        resolved.player_id,
        resolved.result_code,
        resolved.result_team_id,
        resolved.stats_team_id,
        resolved.my_team_id as team_id,
        resolved.team_mmr,
        coalesce(resolved.first_other_team_mmr, other_players_mean.other_players_mean_mmr) as enemy_mmr,
        case
            when resolved.first_other_team_mmr is not null then 'team_mmrs'
            when other_players_mean.other_players_mean_mmr is not null then 'other_players_mean'
        end as enemy_mmr_source,
        resolved.team_mmrs,
        resolved.csr_pre,
        resolved.csr_pre_tier,
        resolved.csr_pre_sub_tier,
        resolved.csr_pre_tier_start,
        resolved.csr_pre_next_tier,
        resolved.csr_pre_next_sub_tier,
        resolved.csr_pre_next_tier_start,
        resolved.csr_pre_measurement_matches_remaining,
        resolved.csr_pre_initial_measurement_matches,
        resolved.csr_post,
        resolved.csr_post_tier,
        resolved.csr_post_sub_tier,
        resolved.csr_post_tier_start,
        resolved.csr_post_next_tier,
        resolved.csr_post_next_sub_tier,
        resolved.csr_post_next_tier_start,
        resolved.csr_post_measurement_matches_remaining,
        resolved.csr_post_initial_measurement_matches,
        resolved.kills_count,
        resolved.kills_expected,
        resolved.kills_stddev,
        resolved.deaths_count,
        resolved.deaths_expected,
        resolved.deaths_stddev,
        resolved.assists_count,
        resolved.assists_expected,
        resolved.assists_stddev,
        resolved.self_counterfactual_kills,
        resolved.self_counterfactual_deaths,
        resolved.bronze_counterfactual_kills,
        resolved.bronze_counterfactual_deaths,
        resolved.silver_counterfactual_kills,
        resolved.silver_counterfactual_deaths,
        resolved.gold_counterfactual_kills,
        resolved.gold_counterfactual_deaths,
        resolved.platinum_counterfactual_kills,
        resolved.platinum_counterfactual_deaths,
        resolved.diamond_counterfactual_kills,
        resolved.diamond_counterfactual_deaths,
        resolved.onyx_counterfactual_kills,
        resolved.onyx_counterfactual_deaths,
        resolved.fetched_at as skill_fetched_at,
        resolved.landing_seq as skill_landing_seq
    from first_other_team as resolved
    left join other_players_mean
        on resolved.match_id = other_players_mean.match_id
            and resolved.answer_index = other_players_mean.answer_index

)

select * from final
