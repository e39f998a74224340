{#- Competitive rules written once (documented in macros/_macros.yml, rules in
    docs/domain/competitive.md). -#}

{#- The six CSR tiers, lowest first (the TierCounterfactuals keys and the CSR containers' Tier). -#}
{% macro halo_csr_tiers() %}
    {{ return(["Bronze", "Silver", "Gold", "Platinum", "Diamond", "Onyx"]) }}
{% endmacro %}


{% macro halo_csr_value(value_expr) -%}
    case when {{ value_expr }} >= 0 then {{ value_expr }} end
{%- endmacro %}


{% macro halo_csr_tier_label(value_expr, tier_expr, sub_tier_expr) -%}
    case
        when not coalesce({{ value_expr }} >= 0, false) or coalesce({{ tier_expr }}, '') = '' then null
        when {{ tier_expr }} = 'Onyx' or {{ sub_tier_expr }} is null then {{ tier_expr }}
        else {{ tier_expr }} || ' ' || cast({{ sub_tier_expr }} + 1 as varchar)
    end
{%- endmacro %}


{% macro halo_wilson_bound(successes, trials, side='lower', z=1.96) -%}
    {%- set n = "cast(" ~ trials ~ " as double)" -%}
    {%- set p = "(cast(" ~ successes ~ " as double) / " ~ n ~ ")" -%}
    {%- set z2 = "(cast(" ~ z ~ " as double) * " ~ z ~ ")" -%}
    {%- set sign = "-" if side == "lower" else "+" -%}
    case
        when {{ trials }} > 0 then round(greatest(0.0, least(1.0, (
            {{ p }} + {{ z2 }} / (2 * {{ n }})
            {{ sign }} {{ z }} * sqrt({{ p }} * (1 - {{ p }}) / {{ n }} + {{ z2 }} / (4 * {{ n }} * {{ n }}))
        ) / (1 + {{ z2 }} / {{ n }}))), 6)
    end
{%- endmacro %}
