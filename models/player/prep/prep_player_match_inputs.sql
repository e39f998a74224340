-- Grain: tracked player x match (every match with a stats payload in which a tracked player
-- appears); key (player_xuid, match_id). Everything the session and performance models read,
-- from the marts (materialized, incremental, one definition of each column):
--   teammate_xuids: the other humans with the player's team_id (LastTeamId), sorted; NULL when
--     the player's team is unknown; [] when alone (FFA, solo custom against bots);
--   minutes_basis_seconds: the player's own time played, else the match duration (decision in
--     _player__models.yml);
--   score_input_fingerprint: md5 of every input of the performance score, start_time included;
--     fct_performance_scores compares it with the one it stored to find changed rows.
with

tracked as (

    select xuid from {{ ref('stg_halo__tracked_players') }}

),

match_players as (

    select * from {{ ref('fct_match_players') }}

),

matches as (

    select match_id, start_time, end_time, duration_seconds from {{ ref('dim_matches') }}

),

tracked_rows as (

    select match_players.*
    from match_players
    inner join tracked on match_players.xuid = tracked.xuid

),

teammates as (

    select
        me.match_id,
        me.xuid as player_xuid,
        case
            when me.team_id is null then null
            else coalesce(list_sort(list(distinct mate.xuid) filter (where mate.xuid is not null)), [])
        end as teammate_xuids
    from tracked_rows as me
    left join match_players as mate
        on me.match_id = mate.match_id
        and me.team_id = mate.team_id
        and mate.xuid <> me.xuid
    group by me.match_id, me.xuid, me.team_id

),

joined as (

    select
        tracked_rows.xuid as player_xuid,
        tracked_rows.match_id,
        matches.start_time,
        matches.end_time,
        teammates.teammate_xuids,
        tracked_rows.team_id,
        tracked_rows.outcome,
        tracked_rows.kills,
        tracked_rows.deaths,
        tracked_rows.assists,
        tracked_rows.kda,
        tracked_rows.accuracy,
        tracked_rows.shots_fired,
        tracked_rows.shots_hit,
        tracked_rows.personal_score,
        tracked_rows.damage_dealt,
        tracked_rows.rank,
        tracked_rows.team_mmr,
        tracked_rows.enemy_mmr,
        cast(tracked_rows.time_played_seconds as double) as time_played_seconds,
        cast(matches.duration_seconds as double) as duration_seconds,
        cast(
            case
                when tracked_rows.time_played_seconds > 0 then tracked_rows.time_played_seconds
                else matches.duration_seconds
            end as double
        ) as minutes_basis_seconds
    from tracked_rows
    inner join matches on tracked_rows.match_id = matches.match_id
    inner join teammates
        on tracked_rows.match_id = teammates.match_id
        and tracked_rows.xuid = teammates.player_xuid

),

final as (

    select
        *,
        md5(to_json({
            'start_time_us': epoch_us(start_time),
            'kills': kills,
            'deaths': deaths,
            'assists': assists,
            'kda': kda,
            'accuracy': accuracy,
            'minutes_basis_seconds': minutes_basis_seconds,
            'personal_score': personal_score,
            'damage_dealt': damage_dealt,
            'rank': rank,
            'team_mmr': team_mmr,
            'enemy_mmr': enemy_mmr
        })::varchar) as score_input_fingerprint
    from joined

)

select * from final
