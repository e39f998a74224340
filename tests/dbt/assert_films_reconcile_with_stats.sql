select
    decodes.match_id,
    decodes.film_major_version,
    decodes.reconcile_max_abs_diff,
    decodes.film_players_not_in_stats,
    players.xuid,
    players.kills_diff,
    players.deaths_diff,
    players.medals_diff
from {{ ref('fct_film_decodes') }} as decodes
inner join {{ ref('fct_film_reconciliation') }} as players on decodes.match_id = players.match_id
where (not decodes.within_tolerance or decodes.film_players_not_in_stats > 0)
    and not players.is_exact
