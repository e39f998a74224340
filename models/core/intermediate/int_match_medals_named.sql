-- Names come from the latest medal metadata by a left join: the metadata can be older than a
-- match, and an unknown NameId keeps NULL names instead of losing the medal.
with

medals as (

    select * from {{ ref('stg_halo__match_awards') }}
    where award_list = 'Medals'

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

-- The version of the names: the landing of the metadata staging reads (its latest).
latest_metadata_fetch as (

    select max(landing_seq) as medal_metadata_landing_seq from metadata

),

summed as (

    {{ halo_award_totals('medals') }}

),

final as (

    select
        summed.match_id,
        summed.player_id,
        summed.xuid,
        summed.award_name_id as medal_name_id,
        summed.award_count as medal_count,
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
        summed.stats_landing_seq,
        latest_metadata_fetch.medal_metadata_landing_seq
    from summed
    cross join latest_metadata_fetch
    left join metadata on summed.award_name_id = metadata.medal_name_id
    left join types on metadata.medal_type_index = types.medal_type_index
    left join difficulties on metadata.medal_difficulty_index = difficulties.medal_difficulty_index
    -- A zero count is listed by the API but is not a medal earned.
    where summed.award_count > 0

)

select * from final
