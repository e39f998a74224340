{#- One player's totals of each award of `rows` (a relation or CTE of stg_halo__match_awards rows
    of one award list), over all the player's PlayerTeamStats entries. Documented in
    macros/_macros.yml. -#}
{% macro halo_award_totals(rows) -%}
    select
        match_id,
        player_id,
        any_value(xuid) as xuid,
        award_name_id,
        cast(sum(award_count) as bigint) as award_count,
        cast(sum(total_personal_score_awarded) as bigint) as total_personal_score_awarded,
        max(fetched_at) as stats_fetched_at,
        max(landing_seq) as stats_landing_seq
    from {{ rows }}
    group by match_id, player_id, award_name_id
{%- endmacro %}
