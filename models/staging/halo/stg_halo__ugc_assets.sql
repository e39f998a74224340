-- One row per landed Discovery UGC asset version (maps, ugcGameVariants, playlists, mapModePairs).
-- A map-mode pair also carries the names of the map and mode it links.
with

source as (

    select * from {{ source('halo', 'ugc_assets') }}

),

unpacked as (

    select
        asset_kind,
        asset_id,
        version_id,
        json_transform(payload, {{ halo_json_spec(halo_ugc_asset_spec()) }}) as asset,
        fetched_at,
        landing_seq
    from source

),

final as (

    select
        unpacked.asset_kind,
        unpacked.asset_id,
        unpacked.version_id,
        nullif(trim(asset.PublicName), '') as public_name,
        nullif(asset.Description, '') as description,
        coalesce(asset.Tags, []) as tags,
        asset.MapLink.AssetId as linked_map_asset_id,
        asset.MapLink.VersionId as linked_map_version_id,
        nullif(trim(asset.MapLink.PublicName), '') as linked_map_name,
        asset.UgcGameVariantLink.AssetId as linked_mode_asset_id,
        asset.UgcGameVariantLink.VersionId as linked_mode_version_id,
        nullif(trim(asset.UgcGameVariantLink.PublicName), '') as linked_mode_name,
        unpacked.fetched_at,
        unpacked.landing_seq
    from unpacked

)

select * from final
