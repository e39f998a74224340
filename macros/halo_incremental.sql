{#-
    Incremental staging: unpack each landed payload once.

    The JSON-unpacking staging models (and int_match_players_summed) are incremental tables,
    delete+insert on their payload's key (the staging ones share one config, the YAML anchor
    match_payload_incremental in models/staging/halo/_halo__models.yml), and each applies this
    macro in its source CTE: a build unpacks only the payloads landed since this model's last
    build (fetched_at newer than the newest it holds), and a re-fetched payload (upsert:
    fetched_at moves forward) replaces its rows whole. As views, every test and every mart
    re-parsed every payload (at 10k matches one `not_null` test took 100 s).

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
    Incremental marts: the filter of a mart rebuilt per match when a payload it was built from
    landed again (the body of its matches_to_build CTE, one row per match_id to write).

    `rows` is the model's CTE of candidate rows, carrying each version column (a fetched_at: of
    the stats payload, the skill payload, the medal metadata...). A full build writes every match
    of `rows`; an incremental one writes the matches with no row here yet, and the matches whose
    rows carry a newer version in any of `version_columns` than the rows built (a NULL built
    version = none yet: any version is newer). Whole matches are replaced (delete+insert on
    match_id), so a match that gains its skill payload later is rewritten and nothing else is.
-#}
{% macro halo_matches_to_build(rows, version_columns) -%}
    {%- if is_incremental() -%}
    select candidates.match_id
    from (
        {{ halo_versions_per_match(rows, version_columns) | indent(4) }}
    ) as candidates
    left join (
        {{ halo_versions_per_match(this, version_columns) | indent(4) }}
    ) as built
        on candidates.match_id = built.match_id
    where built.match_id is null
        {%- for column in version_columns %}
        or candidates.{{ column }} > coalesce(built.{{ column }}, '-infinity'::timestamptz)
        {%- endfor %}
    {%- else -%}
    select distinct match_id from {{ rows }}
    {%- endif -%}
{%- endmacro %}


{#- The newest of each version column per match of `relation`. -#}
{% macro halo_versions_per_match(relation, version_columns) -%}
    select
        match_id,
        {%- for column in version_columns %}
        max({{ column }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    group by match_id
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
