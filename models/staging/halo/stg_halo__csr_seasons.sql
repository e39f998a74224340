-- One row per season of the latest landed CSR season calendar (a few rows: a view).
with

source as (

    select * from {{ source('halo', 'csr_season_calendar') }}

),

latest as (

    select *
    from source
    -- The latest in landing order (docs/incremental.md), not by the clock.
    qualify row_number() over (order by landing_seq desc) = 1

),

unpacked as (

    select
        json_transform(payload, {{ halo_json_spec(halo_csr_season_calendar_spec()) }}).Seasons as seasons,
        fetched_at,
        landing_seq
    from latest

),

season_rows as (

    select
        unpacked.fetched_at,
        unpacked.landing_seq,
        {{ halo_unnest_with_position('unpacked.seasons', 'season', 'season_index') }}
    from unpacked

),

final as (

    select
        -- The file's stem names the season, as the skill service's `season` parameter does.
        regexp_extract(season.CsrSeasonFilePath, '([^/]*?)(\.json)?$', 1) as csr_season_id,
        season.CsrSeasonFilePath as csr_season_path,
        season.StartDate.ISO8601Date as starts_at,
        season.EndDate.ISO8601Date as ends_at,
        cast(season_index as integer) as season_index,
        fetched_at,
        landing_seq
    from season_rows

)

select * from final
