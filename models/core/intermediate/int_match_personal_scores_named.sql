-- Names come from the seed personal_score_names by a left join (no endpoint lists them): an
-- unknown NameId keeps NULL names instead of losing the award.
with

awards as (

    select * from {{ ref('stg_halo__match_awards') }}
    where award_list = 'PersonalScores'

),

names as (

    select * from {{ ref('personal_score_names') }}

),

summed as (

    {{ halo_award_totals('awards') }}

),

final as (

    select
        summed.match_id,
        summed.player_id,
        summed.xuid,
        summed.award_name_id as personal_score_name_id,
        names.personal_score_name,
        names.points_per_award,
        summed.award_count,
        coalesce(
            summed.total_personal_score_awarded,
            summed.award_count * names.points_per_award
        ) as total_score,
        summed.stats_fetched_at,
        summed.stats_landing_seq
    from summed
    left join names on summed.award_name_id = names.personal_score_name_id
    -- An award listed with nothing counted and nothing scored carries no information.
    where coalesce(summed.award_count, 0) <> 0 or coalesce(summed.total_personal_score_awarded, 0) <> 0

)

select * from final
