-- Friends are stored as typed (`halo track PLAYER --friend X`): resolving them here, on every
-- build, lets a friend typed under an unknown gamertag resolve once that gamertag is seen
-- (docs/domain/player.md).
with

tracked as (

    select
        xuid as player_xuid,
        friends
    from {{ ref('stg_halo__tracked_players') }}

),

current_gamertags as (

    select
        xuid,
        gamertag
    from {{ ref('dim_players') }}
    where gamertag is not null

),

observed_gamertags as (

    select
        xuid,
        gamertag,
        seen_at
    from {{ ref('int_gamertag_observations') }}

),

entries as (

    select distinct
        player_xuid,
        trim(friend_entry) as friend_entry,
        {{ halo_is_xuid('friend_entry') }} as is_xuid
    from (
        select
            player_xuid,
            unnest(friends) as friend_entry
        from tracked
    ) as typed
    where nullif(trim(friend_entry), '') is not null

),

candidates as (

    select
        player_xuid,
        friend_entry,
        friend_entry as friend_xuid,
        'xuid' as resolved_by,
        1 as priority,
        null::timestamptz as seen_at
    from entries
    where is_xuid

    union all

    select
        entries.player_xuid,
        entries.friend_entry,
        current_gamertags.xuid as friend_xuid,
        'current_gamertag' as resolved_by,
        2 as priority,
        null::timestamptz as seen_at
    from entries
    inner join current_gamertags on lower(current_gamertags.gamertag) = lower(entries.friend_entry)
    where not entries.is_xuid

    union all

    select
        entries.player_xuid,
        entries.friend_entry,
        observed_gamertags.xuid as friend_xuid,
        'observed_gamertag' as resolved_by,
        3 as priority,
        observed_gamertags.seen_at
    from entries
    inner join observed_gamertags on lower(observed_gamertags.gamertag) = lower(entries.friend_entry)
    where not entries.is_xuid

),

resolved as (

    select * from candidates
    -- Declaring oneself is refused by the CLI; a hand-edited entry naming the player is ignored.
    where friend_xuid <> player_xuid
    -- A gamertag can have belonged to two players over time: the current holder wins, then the
    -- latest sighting, then the smaller xuid (deterministic).
    qualify row_number() over (
            partition by player_xuid, friend_entry
            order by priority asc, seen_at desc nulls last, friend_xuid asc
        ) = 1

),

final as (

    select
        entries.player_xuid,
        entries.friend_entry,
        resolved.friend_xuid,
        resolved.resolved_by
    from entries
    left join resolved
        on entries.player_xuid = resolved.player_xuid
            and entries.friend_entry = resolved.friend_entry

)

select * from final
