-- The inline json_transform spec is this test's own, not halo_payload_specs.sql's (see
-- assert_medal_counts_match_stats for why it is written this way).
with

players as (

    select
        match_id,
        unnest(json_transform(
            payload,
            '{"Players": [{"PlayerId": "VARCHAR", "PlayerTeamStats": [{"Stats": {"CoreStats":
              {"PersonalScores": [{"NameId": "BIGINT", "Count": "BIGINT",
                                   "TotalPersonalScoreAwarded": "BIGINT"}]}}}]}]}'
        ).Players) as player
    from {{ source('halo', 'match_stats') }}
    where {{ halo_audited_matches([ref('fct_match_players'), ref('fct_personal_scores')]) }}

),

entries as (

    select
        players.match_id,
        player.PlayerId as player_id,
        unnest(player.PlayerTeamStats) as entry
    from players
    where player.PlayerId is not null  -- left out of the marts (assert_payloads_well_formed)

),

awards as (

    select
        entries.match_id,
        entries.player_id,
        unnest(entry.Stats.CoreStats.PersonalScores) as award
    from entries

),

raw_awards as (

    select
        awards.match_id,
        awards.player_id,
        award.NameId as name_id,
        sum(award.Count) as award_count,
        sum(award.TotalPersonalScoreAwarded) as total_score
    from awards
    group by all

),

expected as (

    select
        match_id,
        player_id,
        count(*) as awards,
        sum(award_count) as award_count,
        sum(total_score) as total_score
    from raw_awards
    where coalesce(award_count, 0) <> 0 or coalesce(total_score, 0) <> 0
    group by match_id, player_id

),

actual as (

    select
        match_id,
        player_id,
        count(*) as awards,
        sum(award_count) as award_count,
        sum(total_score) as total_score
    from {{ ref('fct_personal_scores') }}
    where {{ halo_audited_matches([ref('fct_match_players'), ref('fct_personal_scores')]) }}
    group by match_id, player_id

)

select
    coalesce(expected.match_id, actual.match_id) as match_id,
    coalesce(expected.player_id, actual.player_id) as player_id,
    expected.awards as expected_awards,
    actual.awards as actual_awards,
    expected.award_count as expected_count,
    actual.award_count as actual_count,
    expected.total_score as expected_total,
    actual.total_score as actual_total
from expected
full outer join actual
    on expected.match_id = actual.match_id
        and expected.player_id = actual.player_id
where expected.awards is distinct from actual.awards
    or expected.award_count is distinct from actual.award_count
    or expected.total_score is distinct from actual.total_score
