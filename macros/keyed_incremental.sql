{#- The incremental rule of the models rebuilt per key (player, match, citation, session...)
    rather than per match, written once; documented in macros/_macros.yml. A model passes the
    same key columns to halo_keys_to_build (its filter) and, when a key can stop having rows,
    to halo_delete_rows_without_candidate (its post-hook, in its YAML config). -#}

{#- The candidate rows whose key has no row in the model yet, or whose versions differ from the
    rows built (the body of a *_to_build CTE). -#}
{% macro halo_keys_to_build(rows, key_columns, version_columns) -%}
    {%- if is_incremental() -%}
    select candidates.*
    from {{ rows }} as candidates
    left join (
        select
            {%- for column in key_columns %}
            {{ column }},
            {%- endfor %}
            {%- for column in version_columns %}
            max({{ column }}) as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ this }}
        group by {{ key_columns | join(', ') }}
    ) as built
        on {% for column in key_columns -%}
            candidates.{{ column }} = built.{{ column }}{{ " and " if not loop.last }}
        {%- endfor %}
    where built.{{ key_columns[0] }} is null
        {%- if version_columns %}
        or {{ halo_versions_differ('candidates', 'built', version_columns) }}
        {%- endif %}
    {%- else -%}
    select * from {{ rows }}
    {%- endif -%}
{%- endmacro %}


{#- The post-hook deleting the rows no current candidate stands for (same key, same versions). -#}
{% macro halo_delete_rows_without_candidate(candidates, key_columns, version_columns=[]) -%}
    delete from {{ this }} as built where not exists (
        select 1 from {{ candidates }} as candidates
        where {% for column in key_columns -%}
            candidates.{{ column }} = built.{{ column }}{{ " and " if not loop.last }}
        {%- endfor %}
        {%- for column in version_columns %}
            and candidates.{{ column }} is not distinct from built.{{ column }}
        {%- endfor %}
    )
{%- endmacro %}
