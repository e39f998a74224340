-- One row per match: the typed MatchInfo of the /stats payload.
with

source as (

    select * from {{ source('halo', 'match_stats') }}
    {{ halo_landed_since_last_build() }}

),

unpacked as (

    select
        match_id,
        json_transform(payload, {{ halo_json_spec(halo_match_stats_spec()) }}) as stats,
        json_array_length(payload, '$.Players') as payload_player_count,
        fetched_at,
        landing_seq
    from source

),

renamed as (

    select
        unpacked.match_id,
        stats.MatchId as payload_match_id,
        stats.MatchInfo.StartTime as start_time,
        stats.MatchInfo.EndTime as api_end_time,
        {{ iso8601_duration_seconds('stats.MatchInfo.Duration') }} as duration_seconds,
        {{ iso8601_duration_seconds('stats.MatchInfo.PlayableDuration') }} as playable_duration_seconds,
        stats.MatchInfo.LifecycleMode as lifecycle_mode,
        stats.MatchInfo.GameVariantCategory as game_variant_category,
        stats.MatchInfo.LevelId as level_id,
        stats.MatchInfo.MapVariant.AssetId as map_asset_id,
        stats.MatchInfo.MapVariant.VersionId as map_version_id,
        stats.MatchInfo.UgcGameVariant.AssetId as mode_asset_id,
        stats.MatchInfo.UgcGameVariant.VersionId as mode_version_id,
        stats.MatchInfo.Playlist.AssetId as playlist_asset_id,
        stats.MatchInfo.Playlist.VersionId as playlist_version_id,
        stats.MatchInfo.PlaylistMapModePair.AssetId as map_mode_pair_asset_id,
        stats.MatchInfo.PlaylistMapModePair.VersionId as map_mode_pair_version_id,
        stats.MatchInfo.ClearanceId as clearance_id,
        stats.MatchInfo.SeasonId as season_id,
        stats.MatchInfo.PlaylistExperience as playlist_experience,
        stats.MatchInfo.TeamsEnabled as teams_enabled,
        stats.MatchInfo.TeamScoringEnabled as team_scoring_enabled,
        stats.MatchInfo.GameplayInteraction as gameplay_interaction,
        unpacked.payload_player_count,
        unpacked.fetched_at,
        unpacked.landing_seq
    from unpacked

),

final as (

    select
        match_id,
        payload_match_id,
        start_time,
        -- MatchInfo.EndTime when present, else StartTime + Duration (exact, to the microsecond).
        coalesce(api_end_time, start_time + {{ seconds_to_interval('duration_seconds') }}) as end_time,
        api_end_time is null as is_end_time_derived,
        duration_seconds,
        playable_duration_seconds,
        lifecycle_mode,
        game_variant_category,
        level_id,
        map_asset_id,
        map_version_id,
        mode_asset_id,
        mode_version_id,
        playlist_asset_id,
        playlist_version_id,
        map_mode_pair_asset_id,
        map_mode_pair_version_id,
        clearance_id,
        season_id,
        playlist_experience,
        teams_enabled,
        team_scoring_enabled,
        gameplay_interaction,
        payload_player_count,
        fetched_at,
        landing_seq
    from renamed

)

select * from final
