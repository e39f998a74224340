-- Every match's CSR season by its start time (docs/domain/competitive.md): a view over dim_matches
-- and the few rows of the latest calendar.
with

matches as (

    select
        match_id,
        start_time
    from {{ ref('dim_matches') }}

),

seasons as (

    select * from {{ ref('stg_halo__csr_seasons') }}

),

calendar as (

    select max(landing_seq) as csr_calendar_landing_seq from seasons

),

matched as (

    select
        matches.match_id,
        matches.start_time,
        seasons.csr_season_id,
        seasons.csr_season_path,
        seasons.starts_at as csr_season_starts_at,
        seasons.ends_at as csr_season_ends_at
    from matches
    left join seasons
        on matches.start_time >= seasons.starts_at
            and matches.start_time < seasons.ends_at
    qualify row_number() over (
            partition by matches.match_id
            order by seasons.starts_at desc nulls last, seasons.season_index desc
        ) = 1

),

final as (

    select
        matched.match_id,
        matched.start_time,
        matched.csr_season_id,
        matched.csr_season_path,
        matched.csr_season_starts_at,
        matched.csr_season_ends_at,
        calendar.csr_calendar_landing_seq
    from matched
    cross join calendar

)

select * from final
