-- Incremental: besides new and re-fetched matches, a match is rebuilt when another medal-metadata
-- fetch landed than the one its names came from, so a NameId unknown to stale metadata gets its
-- name once fresh metadata lands.
with

medals as (

    select * from {{ ref('int_match_medals_named') }}

),

matches_to_build as (

    {{ halo_matches_to_build('medals', ['stats_landing_seq', 'medal_metadata_landing_seq']) }}

),

final as (

    select
        medals.match_id,
        medals.player_id,
        medals.xuid,
        medals.medal_name_id,
        medals.medal_count,
        medals.total_personal_score_awarded,
        medals.medal_name,
        medals.medal_description,
        medals.medal_type_index,
        medals.medal_type,
        medals.medal_difficulty_index,
        medals.medal_difficulty,
        medals.sorting_weight,
        medals.sprite_index,
        medals.medal_personal_score,
        medals.stats_fetched_at,
        medals.stats_landing_seq,
        medals.medal_metadata_landing_seq,
        '{{ invocation_id }}' as dbt_invocation_id
    from medals
    inner join matches_to_build on medals.match_id = matches_to_build.match_id

)

select * from final
