-- The same "latest non-landed attempt" rule as landing.match_payload_status, for assets.
with

refs as (

    select
        match_id,
        'maps' as asset_kind,
        map_asset_id as asset_id,
        map_version_id as version_id
    from {{ ref('stg_halo__match_stats') }}
    union all
    select
        match_id,
        'ugcGameVariants' as asset_kind,
        mode_asset_id as asset_id,
        mode_version_id as version_id
    from {{ ref('stg_halo__match_stats') }}
    union all
    select
        match_id,
        'playlists' as asset_kind,
        playlist_asset_id as asset_id,
        playlist_version_id as version_id
    from {{ ref('stg_halo__match_stats') }}
    union all
    select
        match_id,
        'mapModePairs' as asset_kind,
        map_mode_pair_asset_id as asset_id,
        map_mode_pair_version_id as version_id
    from {{ ref('stg_halo__match_stats') }}

),

latest_failure as (

    select
        key,
        is_terminal,
        http_status,
        error
    from {{ ref('stg_halo__fetch_attempts') }}
    where endpoint = 'ugc_asset'
        and outcome <> 'landed'
    qualify row_number() over (partition by key order by landing_seq desc) = 1

)

select
    refs.match_id,
    refs.asset_kind,
    refs.asset_id,
    refs.version_id,
    latest_failure.http_status,
    latest_failure.error
from refs
left join {{ ref('stg_halo__ugc_assets') }} as assets
    on refs.asset_kind = assets.asset_kind
        and refs.asset_id = assets.asset_id
        and refs.version_id = assets.version_id
left join latest_failure
    on latest_failure.key = refs.asset_kind || '/' || refs.asset_id || '/' || refs.version_id
where refs.asset_id is not null
    and assets.asset_id is null
    and latest_failure.key is null
