with

answers as (

    select
        skill.match_id,
        skill.xuid,
        skill.fetched_at
    from {{ ref('stg_halo__match_skill') }} as skill
    inner join {{ ref('stg_halo__match_player_team_stats') }} as players
        on skill.match_id = players.match_id
            and skill.xuid = players.xuid
    where skill.is_answered
        and skill.result_code = 0
    group by skill.match_id, skill.xuid, skill.fetched_at

)

select
    answers.match_id,
    answers.xuid,
    mart.skill_result_code,
    mart.skill_fetched_at,
    answers.fetched_at
from answers
left join {{ ref('fct_match_players') }} as mart
    on answers.match_id = mart.match_id
        and answers.xuid = mart.xuid
where mart.skill_result_code is distinct from 0
    or mart.skill_fetched_at is distinct from answers.fetched_at
