with

scores as (

    select * from {{ ref('fct_performance_scores') }}

),

earlier as (

    select
        scores.player_xuid,
        scores.match_id,
        count(other.match_id) as strictly_earlier
    from scores
    left join scores as other
        on scores.player_xuid = other.player_xuid
            and scores.start_time > other.start_time
    group by scores.player_xuid, scores.match_id

),

final as (

    select
        scores.player_xuid,
        scores.match_id,
        scores.history_count,
        earlier.strictly_earlier,
        scores.performance_score
    from scores
    inner join earlier
        on scores.player_xuid = earlier.player_xuid
            and scores.match_id = earlier.match_id
    where scores.history_count <> earlier.strictly_earlier
        or (scores.performance_score is null) <> (
            scores.history_count < {{ var('performance_min_history') }}
        )

)

select * from final
