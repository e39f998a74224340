-- Rewritten per player: every summary row of a player whose values would change (a new or late
-- match, a re-fetched payload, a new calendar) is rewritten, the other players' rows are not.
with

csr as (

    select * from {{ ref('fct_player_csr') }}

),

-- The season's CSR path: every known pre- and post-match CSR, in match order.
points as (

    select
        player_xuid,
        playlist_id,
        csr_season_id,
        start_time,
        match_id,
        0 as point_order,
        pre_csr as csr,
        pre_tier as tier
    from csr

    union all

    select
        player_xuid,
        playlist_id,
        csr_season_id,
        start_time,
        match_id,
        1 as point_order,
        post_csr as csr,
        post_tier as tier
    from csr

),

path as (

    select
        player_xuid,
        playlist_id,
        csr_season_id,
        first(csr order by start_time asc, match_id asc, point_order asc) as first_csr,
        first(csr order by start_time desc, match_id desc, point_order desc) as last_csr,
        first(tier order by start_time desc, match_id desc, point_order desc) as last_tier,
        max(csr) as highest_csr,
        first(tier order by csr desc, start_time asc, match_id asc, point_order asc) as highest_tier,
        min(csr) as lowest_csr,
        first(tier order by csr, start_time, match_id, point_order) as lowest_tier
    from points
    where csr is not null
    group by player_xuid, playlist_id, csr_season_id

),

matches as (

    select
        player_xuid,
        playlist_id,
        csr_season_id,
        first(playlist_name order by start_time desc, match_id desc) as playlist_name,
        count(*) as matches,
        count(*) filter (where is_placement) as placement_matches,
        count(*) filter (where outcome = 2) as wins,
        count(*) filter (where outcome = 3) as losses,
        min(start_time) as first_match_at,
        max(start_time) as last_match_at
    from csr
    group by player_xuid, playlist_id, csr_season_id

),

summary as (

    select
        matches.player_xuid,
        matches.playlist_id,
        matches.playlist_name,
        matches.csr_season_id,
        matches.matches,
        matches.placement_matches,
        matches.wins,
        matches.losses,
        matches.first_match_at,
        matches.last_match_at,
        path.first_csr,
        path.last_csr,
        path.last_tier,
        path.highest_csr,
        path.highest_tier,
        path.lowest_csr,
        path.lowest_tier,
        path.last_csr - path.first_csr as net_change
    from matches
    left join path
        on matches.player_xuid = path.player_xuid
            and matches.playlist_id = path.playlist_id
            and matches.csr_season_id is not distinct from path.csr_season_id

),

players_to_build as (

    {{ halo_groups_to_build('summary', ['player_xuid']) }}

),

final as (

    select
        summary.player_xuid,
        summary.playlist_id,
        summary.playlist_name,
        summary.csr_season_id,
        summary.matches,
        summary.placement_matches,
        summary.wins,
        summary.losses,
        summary.first_match_at,
        summary.last_match_at,
        summary.first_csr,
        summary.last_csr,
        summary.last_tier,
        summary.highest_csr,
        summary.highest_tier,
        summary.lowest_csr,
        summary.lowest_tier,
        summary.net_change,
        players_to_build.input_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id
    from summary
    inner join players_to_build on summary.player_xuid = players_to_build.player_xuid

)

select * from final
