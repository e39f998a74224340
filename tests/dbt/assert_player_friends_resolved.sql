-- Declared friends that resolve to no xuid (a typo, or a gamertag the warehouse has never seen):
-- the session models ignore them, so the user should know. Each failing row names the entry.
with

friends as (

    select * from {{ ref('prep_player_declared_friends') }}

),

final as (

    select player_xuid, friend_entry
    from friends
    where friend_xuid is null

)

select * from final
