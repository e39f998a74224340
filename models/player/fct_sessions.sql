-- Incremental on data, not on the clock: every session's input_fingerprint (halo_rows_fingerprint over
-- its matches' inputs) is recomputed and a session is rebuilt when it is new or its fingerprint
-- differs. A session whose id changed is written under the new id; the post-hook deletes the old.
with

session_matches as (

    select * from {{ ref('fct_player_match_sessions') }}

),

inputs as (

    select * from {{ ref('prep_player_match_inputs') }}

),

scores as (

    select
        player_xuid,
        match_id,
        performance_score
    from {{ ref('fct_performance_scores') }}

),

members as (

    select
        session_matches.player_xuid,
        session_matches.session_id,
        session_matches.match_id,
        session_matches.start_time,
        session_matches.end_time,
        session_matches.is_session_start,
        session_matches.break_reason,
        session_matches.friends_mode,
        session_matches.friends_present,
        inputs.outcome,
        inputs.kills,
        inputs.deaths,
        inputs.assists,
        inputs.shots_fired,
        inputs.shots_hit,
        scores.performance_score
    from session_matches
    inner join inputs
        on session_matches.player_xuid = inputs.player_xuid
            and session_matches.match_id = inputs.match_id
    left join scores
        on session_matches.player_xuid = scores.player_xuid
            and session_matches.match_id = scores.match_id

),

sessions as (

    select
        player_xuid,
        session_id,
        min(start_time) as start_time,
        max(end_time) as end_time,
        count(*) as match_count,
        sum(kills) as kills,
        sum(deaths) as deaths,
        sum(assists) as assists,
        count(*) filter (where outcome = 2) as wins,
        count(*) filter (where outcome = 3) as losses,
        sum(shots_fired) as shots_fired,
        sum(shots_hit) as shots_hit,
        -- Scores carry one decimal: averaging them as DECIMAL sums exactly, so the result does
        -- not depend on the order rows reach the aggregate (incremental = full refresh, bit for bit).
        avg(cast(performance_score as decimal(6, 1))) as avg_performance_score,
        count(performance_score) as scored_match_count,
        list_sort(list_distinct(flatten(list(friends_present)))) as friends_present,
        max(friends_mode) as friends_mode,
        max(break_reason) filter (where is_session_start) as start_reason,
        {{ halo_rows_fingerprint("to_json({
                'match_id': match_id,
                'start_time_us': epoch_us(start_time),
                'end_time_us': epoch_us(end_time),
                'break_reason': break_reason,
                'friends_mode': friends_mode,
                'friends_present': friends_present,
                'outcome': outcome,
                'kills': kills,
                'deaths': deaths,
                'assists': assists,
                'shots_fired': shots_fired,
                'shots_hit': shots_hit,
                'performance_score': performance_score
            })") }} as input_fingerprint
    from members
    group by player_xuid, session_id

),

{% if is_incremental() %}

sessions_to_build as (

    select sessions.session_id
    from sessions
    left join {{ this }} as built on sessions.session_id = built.session_id
    where built.session_id is null
        or built.input_fingerprint <> sessions.input_fingerprint

),

{% else %}

sessions_to_build as (

    select session_id from sessions

),

{% endif %}

final as (

    select
        sessions.player_xuid,
        sessions.session_id,
        sessions.start_time,
        sessions.end_time,
        epoch(sessions.end_time - sessions.start_time) as duration_seconds,
        sessions.match_count,
        sessions.kills,
        sessions.deaths,
        sessions.assists,
        case
            when sessions.deaths = 0 then cast(sessions.kills as double)
            else sessions.kills / sessions.deaths
        end as kd_ratio,
        sessions.kills + sessions.assists / 3 - sessions.deaths as kda,
        sessions.wins,
        sessions.losses,
        sessions.wins / sessions.match_count as win_rate,
        sessions.shots_fired,
        sessions.shots_hit,
        case
            when sessions.shots_fired > 0 then 100.0 * sessions.shots_hit / sessions.shots_fired
        end as accuracy,
        cast(sessions.avg_performance_score as double) as avg_performance_score,
        sessions.scored_match_count,
        sessions.friends_mode,
        sessions.friends_present,
        sessions.start_reason,
        -- Zone-free on purpose: wall-clock times are rendered by the consumer in the reader's
        -- zone from start_time/end_time; a zone baked in here would be wrong for every other reader.
        format(
            '{} {} · {}h{:02d}',
            sessions.match_count,
            case when sessions.match_count = 1 then 'match' else 'matches' end,
            cast(floor(epoch(sessions.end_time - sessions.start_time) / 3600) as bigint),
            cast(floor(epoch(sessions.end_time - sessions.start_time) / 60) as bigint) % 60
        ) as session_label,
        sessions.input_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id
    from sessions
    inner join sessions_to_build on sessions.session_id = sessions_to_build.session_id

)

select * from final
