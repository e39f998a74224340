-- The landing view match_payload_status as the models and tests read it (a view over a view:
-- always current, so `halo status` between two builds sees what landed since).
with

source as (

    select * from {{ source('halo', 'match_payload_status') }}

),

final as (

    select
        match_id,
        endpoint,
        start_time,
        status,
        http_status,
        error,
        last_attempt_at,
        failed_runs,
        failing_since,
        completeness,
        reason
    from source

)

select * from final
