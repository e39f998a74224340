{#-
    Incremental staging: unpack each landed payload once.

    The JSON-unpacking staging models (and int_match_players_summed) are incremental tables,
    delete+insert on their payload's key: a build unpacks only the payloads landed since this
    model's last build (fetched_at newer than the newest it holds), and a re-fetched payload
    (upsert: fetched_at moves forward) replaces its rows whole. As views, every test and every
    mart re-parsed every payload (at 10k matches one `not_null` test took 100 s).

    fetched_at is the ingester's landing time: an ingest and a build never overlap (one writer
    per DuckDB file), so whatever lands after a build is newer than anything that build saw; a
    payload yielding no rows (e.g. Teams[] of an FFA match) is not re-read by later builds.
    `dbt build --full-refresh` rebuilds everything from landing.

    Unit tests compile models without a `this` (is_incremental() would fail there): no relation,
    nothing built yet, so every given row is read.
-#}
{% macro halo_landed_since_last_build(column='fetched_at', this_column=none) -%}
    {%- if this is not none and is_incremental() -%}
    where {{ column }} > (
        select coalesce(max({{ this_column or column }}), '-infinity'::timestamptz) from {{ this }}
    )
    {%- endif -%}
{%- endmacro %}


{#-
    A list unnested with 1-based positions: `unnest(l) as item, generate_subscripts(l, 1) as pos`.
    Two set-returning functions in one select list are zipped, and both walk the same list, so
    each item gets its own position; an empty or NULL list gives no row (as a cross join would).
    Not `cross join unnest(l) with ordinality`: DuckDB runs that as a lateral join, ~50x slower on
    these nested structs (10 s instead of 0.2 s for 81k player-team rows at 10k matches).
-#}
{% macro halo_unnest_with_position(list_expr, item, position) -%}
    unnest({{ list_expr }}) as {{ item }},
        generate_subscripts({{ list_expr }}, 1) as {{ position }}
{%- endmacro %}
