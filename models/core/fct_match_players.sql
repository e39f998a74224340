-- Incremental: a match is rewritten whole when its stats payload was re-fetched or its skill
-- payload arrived or was re-fetched since (a skill payload often lands after the stats), so a late
-- skill payload fills the skill columns of that match only.
with

players as (

    select * from {{ ref('int_match_players_summed') }}

),

skill as (

    select * from {{ ref('int_match_skill_resolved') }}

),

outcomes as (

    select * from {{ ref('outcome_codes') }}

),

skill_payloads as (

    select
        match_id,
        max(fetched_at) as skill_fetched_at,
        max(landing_seq) as skill_landing_seq
    from {{ ref('stg_halo__match_skill') }}
    group by match_id

),

match_payloads as (

    select
        players.match_id,
        max(players.stats_fetched_at) as stats_fetched_at,
        max(players.stats_landing_seq) as stats_landing_seq,
        max(skill_payloads.skill_fetched_at) as skill_fetched_at,
        max(skill_payloads.skill_landing_seq) as skill_landing_seq
    from players
    left join skill_payloads on players.match_id = skill_payloads.match_id
    group by players.match_id

),

matches_to_build as (

    {{ halo_matches_to_build('match_payloads', ['stats_landing_seq', 'skill_landing_seq']) }}

),

final as (

    select
        players.match_id,
        players.player_id,
        players.xuid,
        players.player_index,
        players.is_bot,
        players.player_type,
        players.bot_difficulty,
        players.team_id,
        players.outcome,
        outcomes.outcome_name,
        players.outcome = 4 as left_early,
        players.rank,
        players.is_rank_derived,
        players.score,
        players.personal_score,
        players.kills,
        players.deaths,
        players.assists,
        players.kda,
        players.accuracy,
        players.shots_fired,
        players.shots_hit,
        players.damage_dealt,
        players.damage_taken,
        players.avg_life_seconds,
        players.time_played_seconds,
        players.first_joined_time,
        players.last_leave_time,
        players.present_at_beginning,
        players.joined_in_progress,
        players.left_in_progress,
        players.present_at_completion,
        players.confirmed_participation,
        players.team_entry_count,
        players.entry_team_ids,
        {%- for column in halo_summed_stat_columns() if column not in (
            'score', 'personal_score', 'kills', 'deaths', 'assists', 'shots_fired', 'shots_hit',
            'damage_dealt', 'damage_taken'
        ) %}
        players.{{ column }},
        {%- endfor %}
        players.pvp_kda,
        players.pve_kda,
        skill.result_code as skill_result_code,
        skill.team_id as skill_team_id,
        skill.team_mmr,
        skill.enemy_mmr,
        skill.enemy_mmr_source,
        skill.team_mmrs,
        skill.kills_count as skill_kills_count,
        skill.kills_expected,
        skill.kills_stddev,
        skill.deaths_count as skill_deaths_count,
        skill.deaths_expected,
        skill.deaths_stddev,
        skill.assists_expected,
        skill.assists_stddev,
        skill.csr_pre,
        skill.csr_pre_tier,
        skill.csr_pre_sub_tier,
        skill.csr_pre_tier_start,
        skill.csr_pre_next_tier,
        skill.csr_pre_next_sub_tier,
        skill.csr_pre_next_tier_start,
        skill.csr_pre_measurement_matches_remaining,
        skill.csr_pre_initial_measurement_matches,
        skill.csr_post,
        skill.csr_post_tier,
        skill.csr_post_sub_tier,
        skill.csr_post_tier_start,
        skill.csr_post_next_tier,
        skill.csr_post_next_sub_tier,
        skill.csr_post_next_tier_start,
        skill.csr_post_measurement_matches_remaining,
        skill.csr_post_initial_measurement_matches,
        skill.self_counterfactual_kills,
        skill.self_counterfactual_deaths,
        skill.bronze_counterfactual_kills,
        skill.bronze_counterfactual_deaths,
        skill.silver_counterfactual_kills,
        skill.silver_counterfactual_deaths,
        skill.gold_counterfactual_kills,
        skill.gold_counterfactual_deaths,
        skill.platinum_counterfactual_kills,
        skill.platinum_counterfactual_deaths,
        skill.diamond_counterfactual_kills,
        skill.diamond_counterfactual_deaths,
        skill.onyx_counterfactual_kills,
        skill.onyx_counterfactual_deaths,
        match_payloads.stats_fetched_at,
        match_payloads.skill_fetched_at,
        match_payloads.stats_landing_seq,
        match_payloads.skill_landing_seq,
        '{{ invocation_id }}' as dbt_invocation_id
    from players
    inner join matches_to_build on players.match_id = matches_to_build.match_id
    inner join match_payloads on players.match_id = match_payloads.match_id
    left join skill
        on players.match_id = skill.match_id
            and players.xuid = skill.xuid
    left join outcomes on players.outcome = outcomes.outcome

)

select * from final
