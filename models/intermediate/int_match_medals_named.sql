-- One row per match x player x medal: Count summed over all the player's PlayerTeamStats entries,
-- count > 0 only, with the medal's name, type and difficulty from the latest medal metadata
-- (left join: a NameId the metadata does not know keeps NULL names; the fixture metadata is stale).
with

medals as (

    select * from {{ ref('stg_halo__match_medals') }}

),

metadata as (

    select * from {{ ref('stg_halo__medal_metadata') }}

),

difficulties as (

    select * from {{ ref('medal_difficulty_codes') }}

),

types as (

    select * from {{ ref('medal_type_codes') }}

),

latest_metadata_fetch as (

    select max(fetched_at) as medal_metadata_fetched_at from metadata

),

summed as (

    {{ halo_award_totals('medals', 'medal_name_id', count_column='medal_count') }}

),

final as (

    select
        summed.match_id,
        summed.player_id,
        summed.xuid,
        summed.medal_name_id,
        summed.medal_count,
        summed.total_personal_score_awarded,
        metadata.medal_name,
        metadata.medal_description,
        metadata.medal_type_index,
        coalesce(metadata.medal_type, types.medal_type_name) as medal_type,
        metadata.medal_difficulty_index,
        coalesce(metadata.medal_difficulty, difficulties.medal_difficulty_name) as medal_difficulty,
        metadata.sorting_weight,
        metadata.sprite_index,
        metadata.personal_score as medal_personal_score,
        summed.stats_fetched_at,
        latest_metadata_fetch.medal_metadata_fetched_at
    from summed
    cross join latest_metadata_fetch
    left join metadata on summed.medal_name_id = metadata.medal_name_id
    left join types on metadata.medal_type_index = types.medal_type_index
    left join difficulties on metadata.medal_difficulty_index = difficulties.medal_difficulty_index
    where summed.medal_count > 0

)

select * from final
