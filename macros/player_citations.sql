{#- How a citation definition (a row of the seed citation_definitions) is read, written once;
    documented in macros/_macros.yml. -#}

{#- A `levels` text ('10|50|100|250') as a BIGINT list; an element that is not a number is NULL. -#}
{% macro citation_levels(levels_expr) -%}
    try_cast(string_split({{ levels_expr }}, '|') as bigint[])
{%- endmacro %}


{#- What a definition counts, hashed: the columns of the seed that decide a match's value. -#}
{% macro citation_definition_fingerprint(kind, medal_name_id, personal_score_name_id, stat_column) -%}
    md5(cast(to_json({
        'kind': {{ kind }},
        'medal_name_id': {{ medal_name_id }},
        'personal_score_name_id': {{ personal_score_name_id }},
        'stat_column': {{ stat_column }}
    }) as varchar))
{%- endmacro %}


{#- The fct_match_players columns a `stat` citation may count: the catalogue's summed counts. -#}
{% macro citation_stat_columns() -%}
    {%- set columns = [] -%}
    {%- for field in halo_stats_fields() if field.kind == 'int' and field.agg == 'sum' -%}
        {%- do columns.append(field.column) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}


{#- The value of the stat column named by `stat_column_expr`, read from the row `player_row`. -#}
{% macro citation_stat_value(stat_column_expr, player_row) -%}
    case {{ stat_column_expr }}
        {%- for column in citation_stat_columns() %}
        when '{{ column }}' then {{ player_row }}.{{ column }}
        {%- endfor %}
    end
{%- endmacro %}
