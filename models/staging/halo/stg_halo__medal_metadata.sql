-- One row per medal of the latest medal-metadata fetch.
with

source as (

    select * from {{ source('halo', 'medal_metadata') }}

),

latest as (

    select *
    from source
    -- The latest in landing order (docs/incremental.md), not by the clock.
    qualify row_number() over (order by landing_seq desc) = 1

),

unpacked as (

    select
        json_transform(payload, {{ halo_json_spec(halo_medal_metadata_spec()) }}) as metadata,
        fetched_at,
        landing_seq
    from latest

),

medals as (

    select
        unpacked.metadata.difficulties,
        unpacked.metadata.types,
        unpacked.fetched_at,
        unpacked.landing_seq,
        medal_rows.medal
    from unpacked
    cross join unnest(unpacked.metadata.medals) as medal_rows (medal)

),

final as (

    select
        medal.nameId as medal_name_id,
        medal.name.value as medal_name,
        medal.description.value as medal_description,
        medal.difficultyIndex as medal_difficulty_index,
        -- The payload names its own index lists (0-based indexes into 1-based DuckDB lists).
        medals.difficulties[medal.difficultyIndex + 1] as medal_difficulty,
        medal.typeIndex as medal_type_index,
        medals.types[medal.typeIndex + 1] as medal_type,
        medal.sortingWeight as sorting_weight,
        medal.spriteIndex as sprite_index,
        medal.personalScore as personal_score,
        medals.fetched_at,
        medals.landing_seq
    from medals

)

select * from final
