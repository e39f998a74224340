with

session_matches as (

    select * from {{ ref('fct_player_match_sessions') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

from_matches as (

    select
        session_id,
        any_value(player_xuid) as player_xuid,
        count(*) as match_count,
        count(*) filter (where is_session_start) as session_starts,
        min(start_time) as start_time,
        arg_min(player_xuid || ':' || match_id, (start_time, match_id)) as expected_session_id
    from session_matches
    group by session_id

),

final as (

    select
        coalesce(sessions.session_id, from_matches.session_id) as session_id,
        sessions.match_count,
        from_matches.match_count as matches_listed,
        from_matches.session_starts
    from sessions
    full outer join from_matches on sessions.session_id = from_matches.session_id
    where sessions.session_id is null
        or from_matches.session_id is null
        or from_matches.session_starts <> 1
        or from_matches.expected_session_id <> sessions.session_id
        or from_matches.match_count <> sessions.match_count
        or from_matches.start_time <> sessions.start_time
        or from_matches.player_xuid <> sessions.player_xuid

)

select * from final
