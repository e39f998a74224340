with

answers as (

    select
        skill.match_id,
        skill.xuid,
        skill.landing_seq
    from {{ ref('stg_halo__match_skill') }} as skill
    inner join {{ ref('stg_halo__match_player_team_stats') }} as players
        on skill.match_id = players.match_id
            and skill.xuid = players.xuid
    where skill.is_answered
        and skill.result_code = 0
        and {{ halo_audited_matches([ref('fct_match_players')], 'skill.match_id') }}
    group by skill.match_id, skill.xuid, skill.landing_seq

)

select
    answers.match_id,
    answers.xuid,
    mart.skill_result_code,
    mart.skill_landing_seq,
    answers.landing_seq
from answers
left join {{ ref('fct_match_players') }} as mart
    on answers.match_id = mart.match_id
        and answers.xuid = mart.xuid
where mart.skill_result_code is distinct from 0
    or mart.skill_landing_seq is distinct from answers.landing_seq
