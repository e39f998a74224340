-- The one flattened input of the competitive marts: each tracked player's row of each match with
-- its match context, skill columns, CSR season and the payload versions the marts store.
with

tracked as (

    select xuid from {{ ref('stg_halo__tracked_players') }}

),

match_players as (

    select * from {{ ref('fct_match_players') }}

),

matches as (

    select * from {{ ref('dim_matches') }}

),

seasons as (

    select * from {{ ref('prep_competitive_match_seasons') }}

),

final as (

    select
        match_players.xuid as player_xuid,
        match_players.match_id,
        matches.start_time,
        matches.lifecycle_mode,
        matches.lifecycle_mode = 3 as is_matchmade,
        matches.is_ranked,
        matches.teams_enabled,
        matches.map_asset_id,
        matches.map_name,
        matches.mode_label,
        matches.playlist_asset_id,
        matches.playlist_name,
        match_players.team_id,
        match_players.outcome,
        match_players.kills,
        match_players.deaths,
        match_players.skill_result_code,
        match_players.kills_expected,
        match_players.kills_stddev,
        match_players.deaths_expected,
        match_players.deaths_stddev,
        match_players.csr_pre,
        match_players.csr_pre_tier,
        match_players.csr_pre_sub_tier,
        match_players.csr_pre_measurement_matches_remaining,
        match_players.csr_post,
        match_players.csr_post_tier,
        match_players.csr_post_sub_tier,
        {%- for tier in halo_csr_tiers() %}
        match_players.{{ tier | lower }}_counterfactual_kills,
        match_players.{{ tier | lower }}_counterfactual_deaths,
        {%- endfor %}
        seasons.csr_season_id,
        seasons.csr_season_path,
        match_players.stats_landing_seq,
        match_players.skill_landing_seq,
        matches.assets_landing_seq,
        seasons.csr_calendar_landing_seq
    from match_players
    inner join tracked on match_players.xuid = tracked.xuid
    inner join matches on match_players.match_id = matches.match_id
    left join seasons on match_players.match_id = seasons.match_id

)

select * from final
