-- A view, so `halo status` sees the current state between builds (where a gap may be
-- 'needs_build'); the statuses are docs/domain/completeness.md's. Built versus landed compares
-- landing_seq values (docs/incremental.md).
with

listed as (

    select
        history.player_xuid,
        history.match_id,
        history.start_time
    from {{ ref('stg_halo__match_history') }} as history
    inner join {{ ref('stg_halo__tracked_players') }} as tracked
        on history.player_xuid = tracked.xuid

),

payload_status as (

    select * from {{ ref('stg_halo__match_payload_status') }}

),

stats as (

    select
        match_id,
        landing_seq
    from {{ ref('stg_halo__match_payload_landings') }}
    where endpoint = 'match_stats'

),

highlight_chunks as (

    select
        match_id,
        landing_seq
    from {{ ref('stg_halo__film_highlight_chunks') }}

),

skill as (

    select
        match_id,
        landing_seq
    from {{ ref('stg_halo__match_payload_landings') }}
    where endpoint = 'match_skill'

),

built_match_players as (

    select
        match_id,
        max(stats_landing_seq) as stats_landing_seq,
        max(skill_landing_seq) as skill_landing_seq
    from {{ ref('fct_match_players') }}
    group by match_id

),

film_decodes as (

    select
        match_id,
        chunk_landing_seq,
        decode_error
    from {{ ref('fct_film_decodes') }}

),

sessions as (

    select
        player_xuid,
        match_id
    from {{ ref('fct_player_match_sessions') }}

),

scores as (

    select
        player_xuid,
        match_id,
        performance_score,
        history_count,
        performance_min_history
    from {{ ref('fct_performance_scores') }}

),

payload_rows as (

    select
        listed.player_xuid,
        listed.match_id,
        listed.start_time,
        payload_status.endpoint as data_type,
        payload_status.completeness as status,
        payload_status.reason
    from listed
    inner join payload_status
        on listed.match_id = payload_status.match_id

),

-- Derived data exists only once the stats payload landed; before that, the stats row says why.
derived_rows as (

    select
        listed.player_xuid,
        listed.match_id,
        listed.start_time,
        'match_players' as data_type,
        case
            when stats.match_id is null then 'not_applicable'
            when built_match_players.stats_landing_seq = stats.landing_seq
                and (built_match_players.skill_landing_seq is not distinct from skill.landing_seq)
                then 'complete'
            else 'needs_build'
        end as status,
        case when stats.match_id is null then 'no stats payload yet' end as reason
    from listed
    left join stats on listed.match_id = stats.match_id
    left join skill on listed.match_id = skill.match_id
    left join built_match_players on listed.match_id = built_match_players.match_id

    union all

    select
        listed.player_xuid,
        listed.match_id,
        listed.start_time,
        'film_events' as data_type,
        case
            when highlight_chunks.match_id is null then 'not_applicable'
            when (film_decodes.chunk_landing_seq is distinct from highlight_chunks.landing_seq)
                then 'needs_build'
            when film_decodes.decode_error is not null then 'explained'
            else 'complete'
        end as status,
        case
            when highlight_chunks.match_id is null then 'no highlight chunk'
            when film_decodes.decode_error is not null then 'undecodable film: ' || film_decodes.decode_error
        end as reason
    from listed
    left join highlight_chunks on listed.match_id = highlight_chunks.match_id
    left join film_decodes on listed.match_id = film_decodes.match_id

    union all

    select
        listed.player_xuid,
        listed.match_id,
        listed.start_time,
        'session' as data_type,
        case
            when stats.match_id is null then 'not_applicable'
            when sessions.match_id is not null then 'complete'
            else 'needs_build'
        end as status,
        case when stats.match_id is null then 'no stats payload yet' end as reason
    from listed
    left join stats on listed.match_id = stats.match_id
    left join sessions
        on listed.player_xuid = sessions.player_xuid
            and listed.match_id = sessions.match_id

    union all

    select
        listed.player_xuid,
        listed.match_id,
        listed.start_time,
        'performance_score' as data_type,
        case
            when stats.match_id is null then 'not_applicable'
            when scores.match_id is null then 'needs_build'
            when scores.performance_score is null then 'explained'
            else 'complete'
        end as status,
        case
            when stats.match_id is null then 'no stats payload yet'
            when scores.performance_score is null and scores.history_count < scores.performance_min_history
                then 'fewer than ' || scores.performance_min_history || ' earlier matches'
            when scores.performance_score is null then 'no metric available'
        end as reason
    from listed
    left join stats on listed.match_id = stats.match_id
    left join scores
        on listed.player_xuid = scores.player_xuid
            and listed.match_id = scores.match_id

),

final as (

    select
        player_xuid,
        match_id,
        start_time,
        data_type,
        status,
        reason
    from payload_rows

    union all

    select
        player_xuid,
        match_id,
        start_time,
        data_type,
        status,
        reason
    from derived_rows

)

select * from final
