{#- The project's xuid rule, in SQL (documented in macros/_macros.yml and docs/domain/ids_and_times.md):
    a xuid is exactly 16 ASCII digits. -#}

{#- The xuid inside a stats/skill player id: `xuid(2535445291321133)` -> '2535445291321133'.
    Anything else (a bot's `bid(41.0)`, another digit count, extra characters) gives NULL. -#}
{% macro halo_xuid(player_id_expr) -%}
    nullif(regexp_extract({{ player_id_expr }}, '^xuid\(([0-9]{16})\)$', 1), '')
{%- endmacro %}


{#- Whether typed text is a bare xuid: trimmed of spaces, exactly 16 ASCII digits (false for NULL). -#}
{% macro halo_is_xuid(text_expr) -%}
    coalesce(regexp_full_match(trim({{ text_expr }}), '[0-9]{16}'), false)
{%- endmacro %}
