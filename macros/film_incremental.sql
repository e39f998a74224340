{#-
    The incremental rule of the per-match film marts (fct_film_events, fct_killer_victim_pairs,
    fct_film_reconciliation), written once. Each mart is built per match from one decoded chunk
    and the match's stats, and stores both versions on every row: chunk_fetched_at (the chunk
    decoded) and stats_fetched_at (the stats its team ids / counts come from, NULL = none yet).
    Whole matches are replaced (delete+insert on match_id):

    * film_matches_to_build: the filter. A match is (re)built when it should have rows but has
      none here yet, or when either of its current versions differs from the one its rows carry.
    * film_stale_rows_post_hook: the post-hook. It deletes the rows whose versions are no longer
      current and that no rewrite replaced (a film that now yields no rows for this mart).

    Both take the same arguments, so a mart passes the same ones to each:
      decode_condition  which decoded chunks give this mart rows, a condition on the columns of
                        int_film_chunk_decodes: 'event_count > 0', 'pair_count > 0',
                        'decode_error is null'.
      stats_required    true for a mart that has rows only once the match's stats have landed
                        (fct_film_reconciliation); otherwise a film without stats is built with
                        a NULL stats_fetched_at and rebuilt when the stats land.
-#}

{#- The versions each match of the mart is to be built from: match_id, chunk_fetched_at, stats_fetched_at. -#}
{% macro film_current_versions(decode_condition, stats_required=false) -%}
    select decodes.match_id, decodes.chunk_fetched_at, matches.stats_fetched_at
    from (
        select match_id, chunk_fetched_at
        from {{ ref('int_film_chunk_decodes') }}
        where {{ decode_condition }}
    ) as decodes
    {{ 'inner' if stats_required else 'left' }} join (
        select match_id, stats_fetched_at from {{ ref('dim_matches') }}
    ) as matches
        on decodes.match_id = matches.match_id
{%- endmacro %}


{#- The matches to (re)build, with their current versions (the body of a matches_to_build CTE). -#}
{% macro film_matches_to_build(decode_condition, stats_required=false) -%}
    {%- if is_incremental() -%}
    select versions.*
    from (
        {{ film_current_versions(decode_condition, stats_required) | indent(4) }}
    ) as versions
    left join (
        select
            match_id,
            max(chunk_fetched_at) as chunk_fetched_at,
            max(stats_fetched_at) as stats_fetched_at
        from {{ this }}
        group by match_id
    ) as built
        on versions.match_id = built.match_id
    where built.match_id is null
        or versions.chunk_fetched_at is distinct from built.chunk_fetched_at
        or versions.stats_fetched_at is distinct from built.stats_fetched_at
    {%- else -%}
    {{ film_current_versions(decode_condition, stats_required) }}
    {%- endif -%}
{%- endmacro %}


{#- The post-hook: `post_hook="{{ film_stale_rows_post_hook(...) }}"`, rendered when it runs. -#}
{% macro film_stale_rows_post_hook(decode_condition, stats_required=false) -%}
    delete from {{ this }} as built where not exists (
        select 1
        from (
            {{ film_current_versions(decode_condition, stats_required) | indent(8) }}
        ) as versions
        where versions.match_id = built.match_id
            and versions.chunk_fetched_at = built.chunk_fetched_at
            and versions.stats_fetched_at is not distinct from built.stats_fetched_at
    )
{%- endmacro %}
