with

friends as (

    select * from {{ ref('prep_player_declared_friends') }}

),

final as (

    select
        player_xuid,
        friend_entry
    from friends
    where friend_xuid is null

)

select * from final
