-- Per tracked player and match, what the streaks read, and per player one fingerprint of it all:
-- the streak marts rebuild a player whose fingerprint moved (docs/domain/player_progress.md).
with

player_matches as (

    select
        player_xuid,
        match_id,
        start_time,
        end_time,
        outcome
    from {{ ref('prep_player_match_inputs') }}

),

playlists as (

    select
        match_id,
        playlist_asset_id,
        playlist_name
    from {{ ref('dim_matches') }}

),

joined as (

    select
        player_matches.player_xuid,
        player_matches.match_id,
        player_matches.start_time,
        player_matches.end_time,
        player_matches.outcome,
        playlists.playlist_asset_id,
        playlists.playlist_name
    from player_matches
    left join playlists on player_matches.match_id = playlists.match_id

),

fingerprints as (

    select
        player_xuid,
        {{ halo_rows_fingerprint("to_json({
                'match_id': match_id,
                'start_time_us': epoch_us(start_time),
                'end_time_us': epoch_us(end_time),
                'outcome': outcome,
                'playlist_asset_id': playlist_asset_id,
                'playlist_name': playlist_name
            })") }} as streak_input_fingerprint
    from joined
    group by player_xuid

),

final as (

    select
        joined.player_xuid,
        joined.match_id,
        joined.start_time,
        joined.end_time,
        joined.outcome,
        joined.playlist_asset_id,
        joined.playlist_name,
        fingerprints.streak_input_fingerprint
    from joined
    inner join fingerprints on joined.player_xuid = fingerprints.player_xuid

)

select * from final
