-- Incremental: besides new and re-fetched matches, a match is rebuilt when an asset it refers to
-- landed (assets_landing_seq moved), so names filled in by a later asset fetch reach the mart
-- without a full refresh.
with

matches as (

    select * from {{ ref('int_matches_named') }}

),

matches_to_build as (

    {{ halo_matches_to_build('matches', ['stats_landing_seq', 'assets_landing_seq']) }}

),

final as (

    select
        matches.match_id,
        matches.start_time,
        matches.end_time,
        matches.is_end_time_derived,
        matches.duration_seconds,
        matches.playable_duration_seconds,
        matches.lifecycle_mode,
        matches.lifecycle_mode_name,
        matches.game_variant_category,
        matches.game_variant_category_name,
        matches.playlist_experience,
        matches.playlist_experience_name,
        matches.gameplay_interaction,
        matches.gameplay_interaction_name,
        matches.level_id,
        matches.map_asset_id,
        matches.map_version_id,
        matches.map_name,
        matches.mode_asset_id,
        matches.mode_version_id,
        matches.mode_name,
        matches.playlist_asset_id,
        matches.playlist_version_id,
        matches.playlist_name,
        matches.map_mode_pair_asset_id,
        matches.map_mode_pair_version_id,
        matches.map_mode_pair_name,
        matches.mode_label,
        matches.mode_category,
        matches.is_ranked,
        matches.is_firefight,
        matches.season_id,
        matches.clearance_id,
        matches.teams_enabled,
        matches.team_scoring_enabled,
        matches.team_count,
        matches.team_0_score,
        matches.team_1_score,
        matches.player_count,
        matches.human_count,
        matches.asset_ref_count,
        matches.assets_resolved_count,
        matches.assets_landing_seq,
        matches.stats_fetched_at,
        matches.stats_landing_seq,
        '{{ invocation_id }}' as dbt_invocation_id
    from matches
    inner join matches_to_build on matches.match_id = matches_to_build.match_id

)

select * from final
