{#- The streak rule, written once (documented in macros/_macros.yml): fct_player_streaks runs it
    per player, fct_player_streak_summary per player and per player x playlist. -#}
{% macro halo_streaks(rows, partition_columns) -%}
    {%- set partition = partition_columns | join(', ') -%}
    select
        {%- for column in partition_columns %}
        {{ column }},
        {%- endfor %}
        streak_kind,
        arg_min(match_id, position) as first_match_id,
        arg_max(match_id, position) as last_match_id,
        min(start_time) as start_time,
        arg_max(end_time, position) as end_time,
        count(*) as length,
        bool_or(position = match_count) as is_current
    from (
        select
            *,
            -- Gaps and islands: within one kind, consecutive positions share position - rank.
            position - row_number() over (
                partition by {{ partition }}, streak_kind order by position
            ) as island
        from (
            select
                {%- for column in partition_columns %}
                {{ column }},
                {%- endfor %}
                match_id,
                start_time,
                end_time,
                case outcome when 2 then 'win' when 3 then 'loss' end as streak_kind,
                row_number() over (partition by {{ partition }} order by start_time, match_id) as position,
                count(*) over (partition by {{ partition }}) as match_count
            from {{ rows }}
        ) as ordered
    ) as numbered
    where streak_kind is not null
    group by {{ partition }}, streak_kind, island
{%- endmacro %}
