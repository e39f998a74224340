-- Incremental per session: each session's input_fingerprint (halo_rows_fingerprint over its impact rows)
-- is recomputed and a session is rebuilt whole when it is new or its fingerprint differs; a
-- post-hook deletes the sessions that no longer exist or no longer have a decoded film.
with

session_matches as (

    select
        player_xuid,
        match_id,
        session_id
    from {{ ref('fct_player_match_sessions') }}

),

impact as (

    select
        player_xuid,
        match_id,
        xuid,
        first_blood,
        clutch_finisher,
        last_casualty,
        impact_points
    from {{ ref('fct_match_friend_impact') }}

),

members as (

    select
        session_matches.session_id,
        impact.player_xuid,
        impact.match_id,
        impact.xuid,
        impact.first_blood,
        impact.clutch_finisher,
        impact.last_casualty,
        impact.impact_points
    from session_matches
    inner join impact
        on session_matches.player_xuid = impact.player_xuid
            and session_matches.match_id = impact.match_id

),

session_versions as (

    select
        session_id,
        count(distinct match_id) as film_match_count,
        {{ halo_rows_fingerprint("to_json({
                'match_id': match_id,
                'xuid': xuid,
                'first_blood': first_blood,
                'clutch_finisher': clutch_finisher,
                'last_casualty': last_casualty
            })") }} as input_fingerprint
    from members
    group by session_id

),

sessions_to_build as (

    {{ halo_keys_to_build('session_versions', ['session_id'], ['input_fingerprint']) }}

),

people as (

    select
        members.session_id,
        members.player_xuid,
        members.xuid,
        count(*) as match_count,
        count(*) filter (where members.first_blood) as first_bloods,
        count(*) filter (where members.clutch_finisher) as clutch_finishes,
        count(*) filter (where members.last_casualty) as last_casualties,
        cast(sum(members.impact_points) as bigint) as impact_points
    from members
    inner join sessions_to_build on members.session_id = sessions_to_build.session_id
    group by members.session_id, members.player_xuid, members.xuid

),

ranked as (

    select
        *,
        max(impact_points) over (partition by session_id) as session_best,
        min(impact_points) over (partition by session_id) as session_worst
    from people

),

final as (

    select
        ranked.session_id,
        ranked.player_xuid,
        ranked.xuid,
        ranked.xuid = ranked.player_xuid as is_tracked_player,
        ranked.match_count,
        sessions_to_build.film_match_count,
        ranked.first_bloods,
        ranked.clutch_finishes,
        ranked.last_casualties,
        ranked.impact_points,
        -- Ties share a title; a session where everyone is level has neither.
        ranked.session_best > ranked.session_worst and ranked.impact_points = ranked.session_best as is_mvp,
        ranked.session_best > ranked.session_worst
        and ranked.impact_points = ranked.session_worst as is_weak_link,
        sessions_to_build.input_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id
    from ranked
    inner join sessions_to_build on ranked.session_id = sessions_to_build.session_id

)

select * from final
