{#- The incremental rules of the models that unpack or aggregate landed payloads, written once
    (documented in macros/_macros.yml). -#}
{% macro halo_landed_since_last_build(column='fetched_at', this_column=none) -%}
    {%- if this is not none and is_incremental() -%}
    where {{ column }} > (
        select coalesce(max({{ this_column or column }}), '-infinity'::timestamptz) from {{ this }}
    )
    {%- endif -%}
{%- endmacro %}


{% macro halo_matches_to_build(rows, version_columns) -%}
    {%- if is_incremental() -%}
    select candidates.match_id
    from (
        {{ halo_versions_per_match(rows, version_columns) | indent(4) }}
    ) as candidates
    left join (
        {{ halo_versions_per_match(this, version_columns) | indent(4) }}
    ) as built
        on candidates.match_id = built.match_id
    where built.match_id is null
        {%- for column in version_columns %}
        or candidates.{{ column }} > coalesce(built.{{ column }}, '-infinity'::timestamptz)
        {%- endfor %}
    {%- else -%}
    select distinct match_id from {{ rows }}
    {%- endif -%}
{%- endmacro %}


{#- The newest of each version column per match of `relation`. -#}
{% macro halo_versions_per_match(relation, version_columns) -%}
    select
        match_id,
        {%- for column in version_columns %}
        max({{ column }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    group by match_id
{%- endmacro %}


{% macro halo_unnest_with_position(list_expr, item, position) -%}
    unnest({{ list_expr }}) as {{ item }},
        generate_subscripts({{ list_expr }}, 1) as {{ position }}
{%- endmacro %}
