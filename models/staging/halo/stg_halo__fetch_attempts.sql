-- One row per recorded fetch attempt (failures after retries, and some landed fetches).
with

source as (

    select * from {{ source('halo', 'fetch_attempts') }}

),

final as (

    select
        endpoint,
        key,
        attempted_at,
        http_status,
        error,
        attempts,
        outcome,
        terminal as is_terminal,
        run_id,
        landing_seq
    from source

)

select * from final
