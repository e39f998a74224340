{#-
    The XUID inside a stats/skill player id: `xuid(2535445291321133)` -> '2535445291321133'.
    Bots (`bid(41.0)`) and anything else give NULL. Kept as VARCHAR (16 digits in practice; a
    warn-level test flags any other length).
-#}
{% macro halo_xuid(player_id_expr) -%}
    nullif(regexp_extract({{ player_id_expr }}, '^xuid\((\d+)\)$', 1), '')
{%- endmacro %}
