-- A history item repeats the match's MatchInfo. No end time here: it has one definition, from
-- the stats payload, in stg_halo__match_stats.
with

source as (

    select * from {{ source('halo', 'match_history') }}
    {{ halo_landed_since_last_build() }}

),

unpacked as (

    select
        player_xuid,
        match_id,
        json_transform(payload, {{ halo_json_spec(halo_history_item_spec()) }}) as item,
        fetched_at,
        landing_seq
    from source

),

final as (

    select
        unpacked.player_xuid,
        unpacked.match_id,
        item.MatchInfo.StartTime as start_time,
        {{ iso8601_duration_seconds('item.MatchInfo.Duration') }} as duration_seconds,
        item.MatchInfo.LifecycleMode as lifecycle_mode,
        item.MatchInfo.GameVariantCategory as game_variant_category,
        item.MatchInfo.Playlist.AssetId as playlist_asset_id,
        item.LastTeamId as last_team_id,
        item.Outcome as outcome,
        item.Rank as rank,
        item.PresentAtEndOfMatch as present_at_end,
        unpacked.fetched_at,
        unpacked.landing_seq
    from unpacked

)

select * from final
