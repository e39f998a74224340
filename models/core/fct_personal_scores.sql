with

awards as (

    select * from {{ ref('int_match_personal_scores_named') }}

),

matches_to_build as (

    {{ halo_matches_to_build('awards', ['stats_landing_seq']) }}

),

final as (

    select
        awards.match_id,
        awards.player_id,
        awards.xuid,
        awards.personal_score_name_id,
        awards.personal_score_name,
        awards.points_per_award,
        awards.award_count,
        awards.total_score,
        awards.stats_fetched_at,
        awards.stats_landing_seq,
        '{{ invocation_id }}' as dbt_invocation_id
    from awards
    inner join matches_to_build on awards.match_id = matches_to_build.match_id

)

select * from final
