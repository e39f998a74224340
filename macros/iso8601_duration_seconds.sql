{#-
    ISO-8601 duration -> exact seconds as DECIMAL(18, 7), the one parser used for every duration.

    Accepts days and up to 7 fractional digits (`PT9M9.4211615S` -> 549.4211615,
    `P17DT10H55M53.7685509S` -> 1508153.7685509, `PT0S` -> 0, `PT2H` -> 7200, `PT` -> 0), any case.
    NULL, an empty string or anything that is not a whole ISO-8601 day-time duration gives NULL
    (never an error). Fractions are kept, not truncated (LevelUp truncated to whole seconds and
    had no days). DuckDB 2.0 cannot cast these strings to INTERVAL, hence the regex.
-#}
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
