{#- ISO-8601 durations as exact seconds: the one duration parser (documented in macros/_macros.yml).
    DuckDB cannot cast these strings to INTERVAL, hence the regular expression. -#}
{% macro iso8601_duration_seconds(expr) -%}
    {%- set pattern = "^[Pp](?:(\d+)[Dd])?(?:[Tt](?:(\d+)[Hh])?(?:(\d+)[Mm])?(?:(\d+(?:\.\d+)?)[Ss])?)?$" -%}
    (case when regexp_full_match({{ expr }}, '{{ pattern }}') then cast(
        coalesce(cast(nullif(regexp_extract({{ expr }}, '{{ pattern }}', 1), '') as decimal(18, 7)), 0) * 86400
        + coalesce(cast(nullif(regexp_extract({{ expr }}, '{{ pattern }}', 2), '') as decimal(18, 7)), 0) * 3600
        + coalesce(cast(nullif(regexp_extract({{ expr }}, '{{ pattern }}', 3), '') as decimal(18, 7)), 0) * 60
        + coalesce(cast(nullif(regexp_extract({{ expr }}, '{{ pattern }}', 4), '') as decimal(18, 7)), 0)
    as decimal(18, 7)) end)
{%- endmacro %}


{#- Exact seconds (DECIMAL) -> INTERVAL, rounded to the microsecond (TIMESTAMPTZ resolution). -#}
{% macro seconds_to_interval(seconds_expr) -%}
    to_microseconds(cast(round(cast({{ seconds_expr }} as decimal(38, 7)) * 1000000) as bigint))
{%- endmacro %}
