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
        fetched_at
    from source

),

answer_rows as (

    select
        unpacked.match_id,
        unpacked.fetched_at,
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
        unnest(unpacked.requested_xuids) as requested_xuid
    from unpacked

),

requested as (

    select distinct
        requested_rows.match_id,
        requested_rows.fetched_at,
        -- The ingester may store `xuid(...)` or bare digits: keep the digits.
        coalesce({{ halo_xuid('requested_rows.requested_xuid') }}, requested_rows.requested_xuid) as xuid
    from requested_rows

),

players as (

    select
        coalesce(answered.match_id, requested.match_id) as match_id,
        coalesce(answered.xuid, requested.xuid) as xuid,
        coalesce(answered.fetched_at, requested.fetched_at) as fetched_at,
        requested.xuid is not null as was_requested,
        answered.answer_index is not null as is_answered,
        answered.answer_index,
        answered.answer
    from answered
    full outer join requested
        on answered.match_id = requested.match_id
        and answered.xuid = requested.xuid

),

final as (

    select
        match_id,
        xuid,
        was_requested,
        is_answered,
        cast(answer_index as integer) as answer_index,
        answer.Id as player_id,
        answer.ResultCode as result_code,
        answer.Result.TeamId as result_team_id,
        answer.Result.TeamMmr as team_mmr,
        answer.Result.TeamMmrs as team_mmrs,

        answer.Result.RankRecap.PreMatchCsr.Value as csr_pre,
        answer.Result.RankRecap.PreMatchCsr.Tier as csr_pre_tier,
        answer.Result.RankRecap.PreMatchCsr.SubTier as csr_pre_sub_tier,
        answer.Result.RankRecap.PreMatchCsr.TierStart as csr_pre_tier_start,
        answer.Result.RankRecap.PreMatchCsr.NextTier as csr_pre_next_tier,
        answer.Result.RankRecap.PreMatchCsr.NextSubTier as csr_pre_next_sub_tier,
        answer.Result.RankRecap.PreMatchCsr.NextTierStart as csr_pre_next_tier_start,
        answer.Result.RankRecap.PreMatchCsr.MeasurementMatchesRemaining as csr_pre_measurement_matches_remaining,
        answer.Result.RankRecap.PreMatchCsr.InitialMeasurementMatches as csr_pre_initial_measurement_matches,

        answer.Result.RankRecap.PostMatchCsr.Value as csr_post,
        answer.Result.RankRecap.PostMatchCsr.Tier as csr_post_tier,
        answer.Result.RankRecap.PostMatchCsr.SubTier as csr_post_sub_tier,
        answer.Result.RankRecap.PostMatchCsr.TierStart as csr_post_tier_start,
        answer.Result.RankRecap.PostMatchCsr.NextTier as csr_post_next_tier,
        answer.Result.RankRecap.PostMatchCsr.NextSubTier as csr_post_next_sub_tier,
        answer.Result.RankRecap.PostMatchCsr.NextTierStart as csr_post_next_tier_start,
        answer.Result.RankRecap.PostMatchCsr.MeasurementMatchesRemaining as csr_post_measurement_matches_remaining,
        answer.Result.RankRecap.PostMatchCsr.InitialMeasurementMatches as csr_post_initial_measurement_matches,

        answer.Result.StatPerformances.Kills.Count as kills_count,
        answer.Result.StatPerformances.Kills.Expected as kills_expected,
        answer.Result.StatPerformances.Kills.StdDev as kills_stddev,
        answer.Result.StatPerformances.Deaths.Count as deaths_count,
        answer.Result.StatPerformances.Deaths.Expected as deaths_expected,
        answer.Result.StatPerformances.Deaths.StdDev as deaths_stddev,
        answer.Result.StatPerformances.Assists.Count as assists_count,
        answer.Result.StatPerformances.Assists.Expected as assists_expected,
        answer.Result.StatPerformances.Assists.StdDev as assists_stddev,

        answer.Result.Counterfactuals.SelfCounterfactuals.Kills as self_counterfactual_kills,
        answer.Result.Counterfactuals.SelfCounterfactuals.Deaths as self_counterfactual_deaths,
        {%- for tier in ['Bronze', 'Silver', 'Gold', 'Platinum', 'Diamond', 'Onyx'] %}
        answer.Result.Counterfactuals.TierCounterfactuals.{{ tier }}.Kills as {{ tier | lower }}_counterfactual_kills,
        answer.Result.Counterfactuals.TierCounterfactuals.{{ tier }}.Deaths as {{ tier | lower }}_counterfactual_deaths,
        {%- endfor %}
        fetched_at
    from players

)

select * from final
