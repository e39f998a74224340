-- One row per tracked player (the players `halo ingest --player` was asked to follow).
with

source as (

    select * from {{ source('halo', 'tracked_players') }}

),

final as (

    select
        xuid,
        nullif(trim(gamertag), '') as gamertag,
        added_at,
        coalesce(friends, []) as friends
    from source

)

select * from final
