-- Rewritten per player (the groups of a player whose values would change); the scopes and rules
-- are docs/domain/competitive.md's.
with

player_matches as (

    select * from {{ ref('prep_competitive_player_matches') }}
    where is_matchmade

),

scores as (

    select
        player_xuid,
        match_id,
        performance_score
    from {{ ref('fct_performance_scores') }}

),

expectations as (

    select
        player_xuid,
        match_id,
        kills_minus_expected
    from {{ ref('fct_player_match_expectations') }}

),

joined as (

    select
        player_matches.player_xuid,
        player_matches.match_id,
        player_matches.start_time,
        player_matches.map_asset_id,
        player_matches.map_name,
        player_matches.mode_label,
        player_matches.playlist_asset_id,
        player_matches.playlist_name,
        player_matches.outcome,
        player_matches.kills,
        player_matches.deaths,
        scores.performance_score,
        expectations.kills_minus_expected
    from player_matches
    left join scores
        on player_matches.player_xuid = scores.player_xuid
            and player_matches.match_id = scores.match_id
    left join expectations
        on player_matches.player_xuid = expectations.player_xuid
            and player_matches.match_id = expectations.match_id

),

grouped as (

    select
        player_xuid,
        -- grouping(): a bit per column left out of the grouping set (map, mode, playlist).
        case grouping(map_asset_id, mode_label, playlist_asset_id)
            when 7 then 'overall'
            when 3 then 'map'
            when 5 then 'mode'
            when 1 then 'map_mode'
            when 0 then 'map_mode_playlist'
        end as scope,
        map_asset_id,
        first(map_name order by start_time desc, match_id desc) as latest_map_name,
        mode_label,
        playlist_asset_id,
        first(playlist_name order by start_time desc, match_id desc) as latest_playlist_name,
        count(*) as matches,
        count(*) filter (where outcome = 2) as wins,
        count(*) filter (where outcome = 3) as losses,
        count(*) filter (where outcome = 1) as tied_matches,
        sum(kills) as kills,
        sum(deaths) as deaths,
        -- Scores carry one decimal and expectations are rounded to 1e-9 before averaging: a
        -- DECIMAL sum does not depend on the order rows reach it (incremental = full refresh).
        avg(cast(performance_score as decimal(6, 1))) as avg_performance_score,
        count(performance_score) as scored_matches,
        avg(cast(kills_minus_expected as decimal(18, 9))) as avg_kills_minus_expected,
        count(kills_minus_expected) as expectation_matches,
        min(start_time) as first_played_at,
        max(start_time) as last_played_at
    from joined
    group by grouping sets (
        (player_xuid),
        (player_xuid, map_asset_id),
        (player_xuid, mode_label),
        (player_xuid, map_asset_id, mode_label),
        (player_xuid, map_asset_id, mode_label, playlist_asset_id)
    )

),

summary as (

    select
        player_xuid,
        scope,
        map_asset_id,
        case when map_asset_id is not null then latest_map_name end as map_name,
        mode_label,
        playlist_asset_id as playlist_id,
        case when playlist_asset_id is not null then latest_playlist_name end as playlist_name,
        matches,
        wins,
        losses,
        tied_matches,
        wins / matches as win_rate,
        {{ halo_wilson_bound('wins', 'matches', 'lower') }} as win_rate_wilson_lower,
        {{ halo_wilson_bound('wins', 'matches', 'upper') }} as win_rate_wilson_upper,
        kills,
        deaths,
        case when deaths = 0 then cast(kills as double) else kills / deaths end as kd_ratio,
        cast(avg_performance_score as double) as avg_performance_score,
        scored_matches,
        cast(avg_kills_minus_expected as double) as avg_kills_minus_expected,
        expectation_matches,
        first_played_at,
        last_played_at
    from grouped

),

players_to_build as (

    {{ halo_groups_to_build('summary', ['player_xuid']) }}

),

final as (

    select
        summary.player_xuid,
        summary.scope,
        summary.map_asset_id,
        summary.map_name,
        summary.mode_label,
        summary.playlist_id,
        summary.playlist_name,
        summary.matches,
        summary.wins,
        summary.losses,
        summary.tied_matches,
        summary.win_rate,
        summary.win_rate_wilson_lower,
        summary.win_rate_wilson_upper,
        summary.kills,
        summary.deaths,
        summary.kd_ratio,
        summary.avg_performance_score,
        summary.scored_matches,
        summary.avg_kills_minus_expected,
        summary.expectation_matches,
        summary.first_played_at,
        summary.last_played_at,
        players_to_build.input_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id
    from summary
    inner join players_to_build on summary.player_xuid = players_to_build.player_xuid

)

select * from final
