{#- Whether a test looks at everything: on a full refresh, when `full_audit` is true (the weekly run
    of scripts/scheduled_run.sh passes it), and whenever tests run outside `dbt build` (`dbt test`).
    Otherwise (a sync's incremental `dbt build`) reconciliation tests look at what this build wrote. -#}
{% macro halo_full_audit() %}
    {%- set asked = var('full_audit', false) in (true, 'true', 'True', 1, '1') -%}
    {#- `flags` is dbt's; SQLFluff's templater has none (it lints the sync's branch). -#}
    {%- if flags is not defined -%}
        {{- return(asked) -}}
    {%- endif -%}
    {{- return(asked or flags.FULL_REFRESH or flags.WHICH != 'build') -}}
{% endmacro %}

{#- A predicate on match_id: true on a full audit (halo_full_audit); in a sync build, true for the
    matches of which this build (re)wrote rows in any of `relations` (their dbt_invocation_id is this
    invocation's). Rows a build did not rewrite were checked by the build that wrote them. -#}
{% macro halo_audited_matches(relations, column='match_id') %}
    {%- if halo_full_audit() -%}
        true
    {%- else -%}
        {{ column }} in (
        {%- for relation in relations %}
            select match_id from {{ relation }} where dbt_invocation_id = '{{ invocation_id }}'
            {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
        )
    {%- endif -%}
{% endmacro %}
