-- One row per match x player x personal-score award: Count and TotalPersonalScoreAwarded summed
-- over all the player's PlayerTeamStats entries (awards with a zero count and zero score dropped),
-- named from the seed `personal_score_names` (left join: an unknown NameId keeps NULL names).
-- total_score = the API's TotalPersonalScoreAwarded sum, else count x the seed's points per award.
with

awards as (

    select * from {{ ref('stg_halo__match_personal_scores') }}

),

names as (

    select * from {{ ref('personal_score_names') }}

),

summed as (

    {{ halo_award_totals('awards', 'personal_score_name_id', count_column='award_count') }}

),

final as (

    select
        summed.match_id,
        summed.player_id,
        summed.xuid,
        summed.personal_score_name_id,
        names.personal_score_name,
        names.points_per_award,
        summed.award_count,
        coalesce(
            summed.total_personal_score_awarded,
            summed.award_count * names.points_per_award
        ) as total_score,
        summed.stats_fetched_at
    from summed
    left join names on summed.personal_score_name_id = names.personal_score_name_id
    where coalesce(summed.award_count, 0) <> 0 or coalesce(summed.total_personal_score_awarded, 0) <> 0

)

select * from final
