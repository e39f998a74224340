-- Incremental per (player, match): a row is rewritten when a payload version it was built from
-- moved (stats, skill, assets, calendar); the post-hook drops rows no longer current.
with

player_matches as (

    select * from {{ ref('prep_competitive_player_matches') }}

),

ranked as (

    select *
    from player_matches
    where is_ranked
        and skill_result_code = 0
        and (csr_pre is not null or csr_post is not null)

),

rows_to_build as (

    {{ halo_keys_to_build(
        'ranked',
        ['player_xuid', 'match_id'],
        ['stats_landing_seq', 'skill_landing_seq', 'assets_landing_seq', 'csr_calendar_landing_seq']
    ) }}

),

final as (

    select
        ranked.player_xuid,
        ranked.match_id,
        ranked.start_time,
        ranked.playlist_asset_id as playlist_id,
        ranked.playlist_name,
        ranked.csr_season_id,
        {{ halo_csr_value('ranked.csr_pre') }} as pre_csr,
        {{ halo_csr_value('ranked.csr_post') }} as post_csr,
        {{ halo_csr_value('ranked.csr_post') }} - {{ halo_csr_value('ranked.csr_pre') }}
            as csr_delta,
        {{ halo_csr_tier_label('ranked.csr_pre', 'ranked.csr_pre_tier', 'ranked.csr_pre_sub_tier') }}
            as pre_tier,
        {{ halo_csr_tier_label('ranked.csr_post', 'ranked.csr_post_tier', 'ranked.csr_post_sub_tier') }}
            as post_tier,
        ranked.csr_pre_measurement_matches_remaining as measurement_matches_remaining,
        coalesce(ranked.csr_pre_measurement_matches_remaining > 0, false) as is_placement,
        ranked.outcome,
        ranked.stats_landing_seq,
        ranked.skill_landing_seq,
        ranked.assets_landing_seq,
        ranked.csr_calendar_landing_seq,
        '{{ invocation_id }}' as dbt_invocation_id
    from ranked
    inner join rows_to_build
        on ranked.player_xuid = rows_to_build.player_xuid
            and ranked.match_id = rows_to_build.match_id

)

select * from final
