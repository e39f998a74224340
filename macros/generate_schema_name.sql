{#- Custom schemas are used as-is (``staging``, ``reference``...) instead of being prefixed with the
    target schema, so marts live in ``main`` and the names other tools query stay short. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
