select
    skill.match_id,
    skill.xuid
from {{ ref('stg_halo__match_skill') }} as skill
inner join {{ ref('stg_halo__match_stats') }} as matches
    on skill.match_id = matches.match_id
left join {{ ref('stg_halo__match_player_team_stats') }} as players
    on skill.match_id = players.match_id
        and skill.xuid = players.xuid
where skill.is_answered
    and players.match_id is null
