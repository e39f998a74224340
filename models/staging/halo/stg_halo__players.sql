-- One row per profile landed: the gamertag a xuid had when its profile was fetched.
with

source as (

    select * from {{ source('halo', 'players') }}

),

unpacked as (

    select
        xuid,
        json_transform(payload, {{ halo_json_spec(halo_profile_spec()) }}) as profile,
        fetched_at
    from source

),

final as (

    select
        unpacked.xuid,
        profile.xuid as payload_xuid,
        nullif(trim(profile.gamertag), '') as gamertag,
        unpacked.fetched_at
    from unpacked

)

select * from final
