{#- The incremental rule of the per-match film marts (fct_film_events, fct_killer_victim_pairs,
    fct_film_reconciliation), written once; documented in macros/_macros.yml. A mart passes the
    same arguments to film_matches_to_build (its filter) and film_stale_rows_post_hook (its
    post-hook, in its YAML config). -#}

{#- The versions each match of the mart is to be built from: match_id, chunk_landing_seq,
    stats_landing_seq (and stats_fetched_at, carried as information). -#}
{% macro film_current_versions(decodes, matches, decode_condition, stats_required=false) -%}
    select decodes.match_id, decodes.chunk_landing_seq, matches.stats_landing_seq, matches.stats_fetched_at
    from (
        select match_id, chunk_landing_seq
        from {{ decodes }}
        where {{ decode_condition }}
    ) as decodes
    {{ 'inner' if stats_required else 'left' }} join (
        select match_id, stats_landing_seq, stats_fetched_at from {{ matches }}
    ) as matches
        on decodes.match_id = matches.match_id
{%- endmacro %}


{#- The versions a per-match film mart's rows store. -#}
{% macro film_version_columns() -%}
    {{ return(['chunk_landing_seq', 'stats_landing_seq']) }}
{%- endmacro %}


{#- The matches to (re)build, with their current versions (the body of a matches_to_build CTE). -#}
{% macro film_matches_to_build(decodes, matches, decode_condition, stats_required=false) -%}
    {%- if is_incremental() -%}
    select versions.*
    from (
        {{ film_current_versions(decodes, matches, decode_condition, stats_required) | indent(4) }}
    ) as versions
    left join (
        {{ halo_versions_per_match(this, film_version_columns()) | indent(8) }}
    ) as built
        on versions.match_id = built.match_id
    where built.match_id is null
        or {{ halo_versions_differ('versions', 'built', film_version_columns()) }}
    {%- else -%}
    {{ film_current_versions(decodes, matches, decode_condition, stats_required) }}
    {%- endif -%}
{%- endmacro %}


{#- The post-hook deleting the rows whose versions are no longer current and that no rewrite replaced. -#}
{% macro film_stale_rows_post_hook(decodes, matches, decode_condition, stats_required=false) -%}
    delete from {{ this }} as built where not exists (
        select 1
        from (
            {{ film_current_versions(decodes, matches, decode_condition, stats_required) | indent(8) }}
        ) as versions
        where versions.match_id = built.match_id
            and not ({{ halo_versions_differ('versions', 'built', film_version_columns()) }})
    )
{%- endmacro %}
