-- Read from the core marts, where each stat has its one definition; the fingerprint lets
-- fct_performance_scores find the rows whose inputs changed (docs/domain/player.md).
with

tracked as (

    select xuid from {{ ref('stg_halo__tracked_players') }}

),

match_players as (

    select * from {{ ref('fct_match_players') }}

),

matches as (

    select
        match_id,
        start_time,
        end_time,
        duration_seconds
    from {{ ref('dim_matches') }}

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
            and me.xuid <> mate.xuid
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
    -- A match whose payload has no readable start time cannot be placed in a session or a
    -- timeline: left out here (assert_payloads_well_formed reports it).
    where matches.start_time is not null

),

final as (

    select
        *,
        md5(cast(to_json({
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
        }) as varchar)) as score_input_fingerprint
    from joined

)

select * from final
