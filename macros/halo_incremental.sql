{#- The incremental rules of the models that unpack or aggregate landed payloads, written once
    (documented in macros/_macros.yml; the rule they implement: docs/incremental.md). -#}
{% macro halo_landed_since_last_build(column='landing_seq', this_column=none) -%}
    {%- if this is not none and is_incremental() -%}
    {%- set version = this_column or column -%}
    {%- if execute and version not in adapter.get_columns_in_relation(this) | map(attribute='name') -%}
        {{ exceptions.raise_compiler_error(
            this ~ " has no column " ~ version ~ ": it was built by an earlier version of the project;"
            ~ " rebuild the incremental models once with `halo build --full-refresh`"
        ) }}
    {%- endif -%}
    where {{ column }} > (select coalesce(max(built.{{ version }}), 0) from {{ this }} as built)
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
        or {{ halo_versions_differ('candidates', 'built', version_columns) }}
    {%- else -%}
    select distinct match_id from {{ rows }}
    {%- endif -%}
{%- endmacro %}


{#- True when any version column differs between two aliases (NULL = no payload: a version too). -#}
{% macro halo_versions_differ(current, built, version_columns) -%}
    {%- for column in version_columns -%}
    {{ current }}.{{ column }} is distinct from {{ built }}.{{ column }}{{ " or " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}


{#- The latest of each version column per match of `relation`. -#}
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


{#- Summaries rewritten whole per group: the groups to (re)write, with their input_fingerprint. -#}
{% macro halo_groups_to_build(rows, group_columns) -%}
    select
        {%- for column in group_columns %}
        fingerprinted.{{ column }},
        {%- endfor %}
        fingerprinted.input_fingerprint
    from (
        select
            {%- for column in group_columns %}
            {{ column }},
            {%- endfor %}
            {{ halo_rows_fingerprint('to_json(group_rows)') }} as input_fingerprint
        from {{ rows }} as group_rows
        group by {{ group_columns | join(', ') }}
    ) as fingerprinted
    {%- if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as built
        where {% for column in group_columns -%}
            built.{{ column }} = fingerprinted.{{ column }}
            and {% endfor -%}
            built.input_fingerprint = fingerprinted.input_fingerprint
    )
    {%- endif %}
{%- endmacro %}


{#- An aggregate: one fixed-size fingerprint of a group's rows, whatever their number and order. -#}
{% macro halo_rows_fingerprint(row_expr) -%}
    md5(
        count(*) || ':'
        || sum(md5_number_upper(cast({{ row_expr }} as varchar))) || ':'
        || sum(md5_number_lower(cast({{ row_expr }} as varchar)))
    )
{%- endmacro %}
