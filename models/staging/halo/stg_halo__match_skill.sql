-- One row per (match, player) of a /skill payload: every xuid the call requested plus every
-- Value[] entry it answered (normally the same set). Unanswered requests have is_answered = false
-- and NULL skill fields; every key of Result is optional and may be NULL.
with

source as (

    select * from {{ source('halo', 'match_skill') }}
    {{ halo_landed_since_last_build() }}

),

unpacked as (

    select
        match_id,
        json_transform(payload, {{ halo_json_spec(halo_match_skill_spec()) }}).Value as answers,
        requested_xuids,
        fetched_at,
        landing_seq
    from source

),

answer_rows as (

    select
        unpacked.match_id,
        unpacked.fetched_at,
        unpacked.landing_seq,
        {{ halo_unnest_with_position('unpacked.answers', 'answer', 'answer_index') }}
    from unpacked

),

answered as (

    select
        answer_rows.*,
        {{ halo_xuid('answer_rows.answer.Id') }} as xuid
    from answer_rows

),

requested_rows as (

    select
        unpacked.match_id,
        unpacked.fetched_at,
        unpacked.landing_seq,
        unnest(unpacked.requested_xuids) as requested_xuid
    from unpacked

),

requested as (

    select distinct
        requested_rows.match_id,
        requested_rows.fetched_at,
        requested_rows.landing_seq,
        -- The ingester may store `xuid(...)` or bare digits: keep the digits.
        coalesce({{ halo_xuid('requested_rows.requested_xuid') }}, requested_rows.requested_xuid) as xuid
    from requested_rows

),

players as (

    select
        coalesce(answered.match_id, requested.match_id) as match_id,
        coalesce(answered.xuid, requested.xuid) as xuid,
        coalesce(answered.fetched_at, requested.fetched_at) as fetched_at,
        coalesce(answered.landing_seq, requested.landing_seq) as landing_seq,
        requested.xuid is not null as was_requested,
        answered.answer_index is not null as is_answered,
        answered.answer_index,
        answered.answer
    from answered
    full outer join requested
        on answered.match_id = requested.match_id
            and answered.xuid = requested.xuid

),

results as (

    select
        players.match_id,
        players.xuid,
        players.was_requested,
        players.is_answered,
        players.answer_index,
        players.answer,
        players.answer.Result.RankRecap.PreMatchCsr as pre_csr,
        players.answer.Result.RankRecap.PostMatchCsr as post_csr,
        players.answer.Result.StatPerformances as performances,
        players.answer.Result.Counterfactuals as counterfactuals,
        players.fetched_at,
        players.landing_seq
    from players

),

final as (

    select
        results.match_id,
        results.xuid,
        results.was_requested,
        results.is_answered,
        cast(results.answer_index as integer) as answer_index,
        results.answer.Id as player_id,
        results.answer.ResultCode as result_code,
        results.answer.Result.TeamId as result_team_id,
        results.answer.Result.TeamMmr as team_mmr,
        results.answer.Result.TeamMmrs as team_mmrs,

        results.pre_csr.Value as csr_pre,
        results.pre_csr.Tier as csr_pre_tier,
        results.pre_csr.SubTier as csr_pre_sub_tier,
        results.pre_csr.TierStart as csr_pre_tier_start,
        results.pre_csr.NextTier as csr_pre_next_tier,
        results.pre_csr.NextSubTier as csr_pre_next_sub_tier,
        results.pre_csr.NextTierStart as csr_pre_next_tier_start,
        results.pre_csr.MeasurementMatchesRemaining as csr_pre_measurement_matches_remaining,
        results.pre_csr.InitialMeasurementMatches as csr_pre_initial_measurement_matches,

        results.post_csr.Value as csr_post,
        results.post_csr.Tier as csr_post_tier,
        results.post_csr.SubTier as csr_post_sub_tier,
        results.post_csr.TierStart as csr_post_tier_start,
        results.post_csr.NextTier as csr_post_next_tier,
        results.post_csr.NextSubTier as csr_post_next_sub_tier,
        results.post_csr.NextTierStart as csr_post_next_tier_start,
        results.post_csr.MeasurementMatchesRemaining as csr_post_measurement_matches_remaining,
        results.post_csr.InitialMeasurementMatches as csr_post_initial_measurement_matches,

        results.performances.Kills.Count as kills_count,
        results.performances.Kills.Expected as kills_expected,
        results.performances.Kills.StdDev as kills_stddev,
        results.performances.Deaths.Count as deaths_count,
        results.performances.Deaths.Expected as deaths_expected,
        results.performances.Deaths.StdDev as deaths_stddev,
        results.performances.Assists.Count as assists_count,
        results.performances.Assists.Expected as assists_expected,
        results.performances.Assists.StdDev as assists_stddev,

        results.counterfactuals.SelfCounterfactuals.Kills as self_counterfactual_kills,
        results.counterfactuals.SelfCounterfactuals.Deaths as self_counterfactual_deaths,
        results.counterfactuals.TierCounterfactuals.Bronze.Kills as bronze_counterfactual_kills,
        results.counterfactuals.TierCounterfactuals.Bronze.Deaths as bronze_counterfactual_deaths,
        results.counterfactuals.TierCounterfactuals.Silver.Kills as silver_counterfactual_kills,
        results.counterfactuals.TierCounterfactuals.Silver.Deaths as silver_counterfactual_deaths,
        results.counterfactuals.TierCounterfactuals.Gold.Kills as gold_counterfactual_kills,
        results.counterfactuals.TierCounterfactuals.Gold.Deaths as gold_counterfactual_deaths,
        results.counterfactuals.TierCounterfactuals.Platinum.Kills as platinum_counterfactual_kills,
        results.counterfactuals.TierCounterfactuals.Platinum.Deaths as platinum_counterfactual_deaths,
        results.counterfactuals.TierCounterfactuals.Diamond.Kills as diamond_counterfactual_kills,
        results.counterfactuals.TierCounterfactuals.Diamond.Deaths as diamond_counterfactual_deaths,
        results.counterfactuals.TierCounterfactuals.Onyx.Kills as onyx_counterfactual_kills,
        results.counterfactuals.TierCounterfactuals.Onyx.Deaths as onyx_counterfactual_deaths,
        results.fetched_at,
        results.landing_seq
    from results

)

select * from final
