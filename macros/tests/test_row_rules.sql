{#- Many row rules of one model in one query (one test node instead of one per column and rule).
    Returns one row per failing row and rule: `failed_rule` names the rule (e.g.
    "not_null(match_id)", "accepted_values(scope)", "expression(end_time >= start_time)"), followed
    by the row's columns. Semantics per rule are those of the one-rule tests they replace: NULL
    passes every rule but not_null; unique ignores NULL keys. -#}
{% test row_rules(
    model, not_null=[], unique=[], accepted_values={}, accepted_range={}, relationships={}, expressions=[]
) %}
    {%- set checks = [] %}
    {%- for column in not_null %}
        {%- do checks.append(("not_null(" ~ column ~ ")", column ~ " is null")) %}
    {%- endfor %}
    {%- for key in unique %}
        {%- set columns = [key] if key is string else key %}
        {%- set present = [] %}
        {%- for column in columns %}{% do present.append(column ~ " is not null") %}{% endfor %}
        {%- do checks.append((
            "unique(" ~ columns | join(", ") ~ ")",
            present | join(" and ") ~ " and count(*) over (partition by " ~ columns | join(", ") ~ ") > 1",
        )) %}
    {%- endfor %}
    {%- for column, values in accepted_values.items() %}
        {%- set quoted = [] %}
        {%- for value in values %}
            {%- do quoted.append(("'" ~ value | replace("'", "''") ~ "'") if value is string else value | string) %}
        {%- endfor %}
        {%- do checks.append((
            "accepted_values(" ~ column ~ ")",
            column ~ " is not null and " ~ column ~ " not in (" ~ quoted | join(", ") ~ ")",
        )) %}
    {%- endfor %}
    {%- for column, bounds in accepted_range.items() %}
        {%- set outside = [] %}
        {%- if bounds.get('min_value') is not none %}{% do outside.append(column ~ " < " ~ bounds.min_value) %}{% endif %}
        {%- if bounds.get('max_value') is not none %}{% do outside.append(column ~ " > " ~ bounds.max_value) %}{% endif %}
        {%- do checks.append((
            "accepted_range(" ~ column ~ ")",
            column ~ " is not null and (" ~ outside | join(" or ") ~ ")",
        )) %}
    {%- endfor %}
    {%- for column, parent in relationships.items() %}
        {%- do checks.append((
            "relationships(" ~ column ~ " -> " ~ parent.to.identifier ~ "." ~ parent.field ~ ")",
            column ~ " is not null and " ~ column ~ " not in (select " ~ parent.field ~ " from " ~ parent.to
            ~ " where " ~ parent.field ~ " is not null)",
        )) %}
    {%- endfor %}
    {%- for expression in expressions %}
        {%- do checks.append(("expression(" ~ expression ~ ")", "not coalesce((" ~ expression ~ "), true)")) %}
    {%- endfor %}

    with checked as (
        select
            *,
            [
                {%- for label, failing in checks %}
                case when {{ failing }} then '{{ label | replace("'", "''") }}' end{{ "," if not loop.last }}
                {%- endfor %}
            ] as rule_outcomes
        from {{ model }}
    ),

    failing as (
        select
            unnest(list_filter(rule_outcomes, lambda outcome: outcome is not null)) as failed_rule,
            * exclude (rule_outcomes)
        from checked
    )

    select * from failing
{% endtest %}
