-- Rewritten per player, like the map/mode summary it ranks; the ranking rule and the minimum
-- number of matches (var map_mode_min_matches, stored on each row) are docs/domain/competitive.md's.
with

map_modes as (

    select * from {{ ref('fct_player_map_modes') }}
    where scope in ('map', 'mode', 'map_mode')

),

eligible as (

    select
        player_xuid,
        scope,
        map_asset_id,
        map_name,
        mode_label,
        case scope
            when 'map' then coalesce(map_name, map_asset_id)
            when 'mode' then mode_label
            else coalesce(map_name, map_asset_id) || ' · ' || mode_label
        end as display_name,
        matches,
        wins,
        win_rate,
        win_rate_wilson_lower,
        win_rate_wilson_upper,
        {{ var('map_mode_min_matches') }} as map_mode_min_matches
    from map_modes
    where matches >= {{ var('map_mode_min_matches') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by player_xuid, scope
            order by
                win_rate_wilson_lower desc, matches desc,
                map_asset_id asc nulls first, mode_label asc nulls first
        ) as best_rank,
        row_number() over (
            partition by player_xuid, scope
            order by
                win_rate_wilson_upper asc, matches desc,
                map_asset_id asc nulls first, mode_label asc nulls first
        ) as worst_rank
    from eligible

),

summary as (

    select
        player_xuid,
        scope,
        map_asset_id,
        map_name,
        mode_label,
        display_name,
        matches,
        wins,
        win_rate,
        win_rate_wilson_lower,
        win_rate_wilson_upper,
        best_rank,
        worst_rank,
        best_rank = 1 as is_best,
        worst_rank = 1 as is_worst,
        map_mode_min_matches
    from ranked

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
        summary.display_name,
        summary.matches,
        summary.wins,
        summary.win_rate,
        summary.win_rate_wilson_lower,
        summary.win_rate_wilson_upper,
        summary.best_rank,
        summary.worst_rank,
        summary.is_best,
        summary.is_worst,
        summary.map_mode_min_matches,
        players_to_build.input_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id
    from summary
    inner join players_to_build on summary.player_xuid = players_to_build.player_xuid

)

select * from final
