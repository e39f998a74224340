-- Each match's stats and skill payload versions (landing_seq) as landed now, read from the landing
-- tables without unpacking anything: a view, so fct_match_completeness (and `halo status`) compare
-- the marts with what has landed now, not with what the incremental staging tables held at the
-- last build.
with

stats as (

    select
        match_id,
        fetched_at,
        landing_seq
    from {{ source('halo', 'match_stats') }}

),

skill as (

    select
        match_id,
        fetched_at,
        landing_seq
    from {{ source('halo', 'match_skill') }}

),

final as (

    select
        match_id,
        'match_stats' as endpoint,
        fetched_at,
        landing_seq
    from stats

    union all

    select
        match_id,
        'match_skill' as endpoint,
        fetched_at,
        landing_seq
    from skill

)

select * from final
