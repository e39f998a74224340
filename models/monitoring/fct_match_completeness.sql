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

-- CSR: a tracked player's ranked matches with a skill payload (docs/domain/competitive.md).
csr_inputs as (

    select
        match_players.match_id,
        match_players.xuid as player_xuid,
        match_players.skill_landing_seq,
        match_players.skill_result_code,
        match_players.csr_pre is not null or match_players.csr_post is not null as has_recap
    from {{ ref('fct_match_players') }} as match_players
    where match_players.xuid is not null

),

ranked_matches as (

    select
        match_id,
        is_ranked
    from {{ ref('dim_matches') }}

),

csr_rows as (

    select
        player_xuid,
        match_id,
        skill_landing_seq
    from {{ ref('fct_player_csr') }}

),

-- Tracked players' progress (docs/domain/player_progress.md): citations evaluated per match,
-- friends' impact per match with a decoded film, the streaks built from the current matches.
citation_evaluation_counts as (

    select
        candidates.player_xuid,
        candidates.match_id,
        count(evaluations.match_id) as evaluated
    from {{ ref('prep_player_citation_candidates') }} as candidates
    left join {{ ref('prep_player_citation_evaluations') }} as evaluations
        on candidates.player_xuid = evaluations.player_xuid
            and candidates.match_id = evaluations.match_id
            and candidates.citation_id = evaluations.citation_id
            and candidates.definition_fingerprint = evaluations.definition_fingerprint
            and candidates.stats_landing_seq = evaluations.stats_landing_seq
    group by candidates.player_xuid, candidates.match_id

),

citation_definition_count as (

    select count(*) as definitions from {{ ref('citation_definitions') }}

),

friend_impact as (

    select
        player_xuid,
        match_id,
        chunk_landing_seq,
        stats_landing_seq
    from {{ ref('fct_match_friend_impact') }}
    where is_tracked_player

),

streak_inputs as (

    select
        player_xuid,
        match_id,
        outcome,
        streak_input_fingerprint
    from {{ ref('prep_player_streak_inputs') }}

),

built_streak_versions as (

    select distinct
        player_xuid,
        streak_input_fingerprint
    from {{ ref('fct_player_streaks') }}

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

    union all

    select
        listed.player_xuid,
        listed.match_id,
        listed.start_time,
        'citations' as data_type,
        case
            when stats.match_id is null then 'not_applicable'
            when coalesce(citation_evaluation_counts.evaluated, 0) = citation_definition_count.definitions
                then 'complete'
            else 'needs_build'
        end as status,
        case when stats.match_id is null then 'no stats payload yet' end as reason
    from listed
    cross join citation_definition_count
    left join stats on listed.match_id = stats.match_id
    left join citation_evaluation_counts
        on listed.player_xuid = citation_evaluation_counts.player_xuid
            and listed.match_id = citation_evaluation_counts.match_id

    union all

    select
        listed.player_xuid,
        listed.match_id,
        listed.start_time,
        'friend_impact' as data_type,
        case
            when stats.match_id is null or highlight_chunks.match_id is null then 'not_applicable'
            when (film_decodes.chunk_landing_seq is distinct from highlight_chunks.landing_seq)
                then 'needs_build'
            when film_decodes.decode_error is not null then 'explained'
            when friend_impact.chunk_landing_seq = highlight_chunks.landing_seq
                and friend_impact.stats_landing_seq = stats.landing_seq
                then 'complete'
            else 'needs_build'
        end as status,
        case
            when stats.match_id is null then 'no stats payload yet'
            when highlight_chunks.match_id is null then 'no decoded film'
            when film_decodes.decode_error is not null then 'undecodable film: ' || film_decodes.decode_error
        end as reason
    from listed
    left join stats on listed.match_id = stats.match_id
    left join highlight_chunks on listed.match_id = highlight_chunks.match_id
    left join film_decodes on listed.match_id = film_decodes.match_id
    left join friend_impact
        on listed.player_xuid = friend_impact.player_xuid
            and listed.match_id = friend_impact.match_id

    union all

    select
        listed.player_xuid,
        listed.match_id,
        listed.start_time,
        'streak' as data_type,
        case
            when stats.match_id is null then 'not_applicable'
            when streak_inputs.match_id is null then 'needs_build'
            when streak_inputs.outcome is null or streak_inputs.outcome not in (2, 3) then 'not_applicable'
            when built_streak_versions.player_xuid is not null then 'complete'
            else 'needs_build'
        end as status,
        case
            when stats.match_id is null then 'no stats payload yet'
            when streak_inputs.match_id is not null
                and (streak_inputs.outcome is null or streak_inputs.outcome not in (2, 3))
                then 'neither a win nor a loss'
        end as reason
    from listed
    left join stats on listed.match_id = stats.match_id
    left join streak_inputs
        on listed.player_xuid = streak_inputs.player_xuid
            and listed.match_id = streak_inputs.match_id
    left join built_streak_versions
        on streak_inputs.player_xuid = built_streak_versions.player_xuid
            and streak_inputs.streak_input_fingerprint = built_streak_versions.streak_input_fingerprint

    union all

    select
        listed.player_xuid,
        listed.match_id,
        listed.start_time,
        'csr' as data_type,
        case
            when stats.match_id is null then 'not_applicable'
            when csr_rows.skill_landing_seq = skill.landing_seq then 'complete'
            when ranked_matches.match_id is null then 'needs_build'
            when not ranked_matches.is_ranked then 'not_applicable'
            when ranked_matches.is_ranked is null then 'explained'
            when skill.match_id is null then 'not_applicable'
            when (csr_inputs.skill_landing_seq is distinct from skill.landing_seq) then 'needs_build'
            when (csr_inputs.skill_result_code is distinct from 0) or not csr_inputs.has_recap
                then 'explained'
            else 'needs_build'
        end as status,
        case
            when stats.match_id is null then 'no stats payload yet'
            when csr_rows.skill_landing_seq = skill.landing_seq or ranked_matches.match_id is null then null
            when not ranked_matches.is_ranked then 'not a ranked match'
            when ranked_matches.is_ranked is null then 'playlist not named: ranked or not is unknown'
            when skill.match_id is null then 'no skill payload yet'
            when (csr_inputs.skill_landing_seq is distinct from skill.landing_seq) then null
            when (csr_inputs.skill_result_code is distinct from 0)
                then 'no skill answer for the player (result code '
                    || coalesce(cast(csr_inputs.skill_result_code as varchar), 'none') || ')'
            when not csr_inputs.has_recap then 'skill answer without a CSR recap'
        end as reason
    from listed
    left join stats on listed.match_id = stats.match_id
    left join skill on listed.match_id = skill.match_id
    left join ranked_matches on listed.match_id = ranked_matches.match_id
    left join csr_inputs
        on listed.match_id = csr_inputs.match_id
            and listed.player_xuid = csr_inputs.player_xuid
    left join csr_rows
        on listed.player_xuid = csr_rows.player_xuid
            and listed.match_id = csr_rows.match_id

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
