with

inputs as (

    select
        player_xuid,
        match_id,
        start_time,
        coalesce(teammate_xuids, []) as teammate_xuids,
        score_input_fingerprint
    from {{ ref('prep_player_match_inputs') }}

),

sessions as (

    select
        player_xuid,
        match_id,
        start_time,
        teammate_xuids
    from {{ ref('fct_player_match_sessions') }}

),

scores as (

    select
        player_xuid,
        match_id,
        input_fingerprint
    from {{ ref('fct_performance_scores') }}

),

problems as (

    select
        inputs.player_xuid,
        inputs.match_id,
        'no or stale session row' as problem
    from inputs
    left join sessions
        on inputs.player_xuid = sessions.player_xuid
            and inputs.match_id = sessions.match_id
    where sessions.match_id is null
        or sessions.start_time <> inputs.start_time
        or sessions.teammate_xuids <> inputs.teammate_xuids

    union all

    select
        inputs.player_xuid,
        inputs.match_id,
        'no or stale score row' as problem
    from inputs
    left join scores
        on inputs.player_xuid = scores.player_xuid
            and inputs.match_id = scores.match_id
    where scores.match_id is null
        or scores.input_fingerprint <> inputs.score_input_fingerprint

    union all

    select
        player_xuid,
        match_id,
        'session row without input' as problem
    from sessions
    where not exists (
            select 1 from inputs
            where inputs.player_xuid = sessions.player_xuid and inputs.match_id = sessions.match_id
        )

    union all

    select
        player_xuid,
        match_id,
        'score row without input' as problem
    from scores
    where not exists (
            select 1 from inputs
            where inputs.player_xuid = scores.player_xuid and inputs.match_id = scores.match_id
        )

),

final as (

    select * from problems

)

select * from final
