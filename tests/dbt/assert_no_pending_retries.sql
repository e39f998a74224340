with

match_payloads as (

    select
        match_id as key,
        endpoint,
        http_status,
        error,
        last_attempt_at
    from {{ ref('stg_halo__match_payload_status') }}
    where completeness = 'retrying'

),

assets as (

    select
        key,
        endpoint,
        http_status,
        error,
        attempted_at as last_attempt_at,
        is_terminal
    from {{ ref('stg_halo__fetch_attempts') }}
    where endpoint = 'ugc_asset'
        and outcome <> 'landed'
    qualify row_number() over (partition by key order by landing_seq desc) = 1

),

still_missing_assets as (

    select
        assets.key,
        assets.endpoint,
        assets.http_status,
        assets.error,
        assets.last_attempt_at
    from assets
    left join {{ ref('stg_halo__ugc_assets') }} as landed
        on assets.key = landed.asset_kind || '/' || landed.asset_id || '/' || landed.version_id
    where landed.asset_id is null
        and not assets.is_terminal

),

final as (

    select * from match_payloads
    union all
    select * from still_missing_assets

)

select * from final
