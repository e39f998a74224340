-- A view: the decode status and the reconciliation summary are always current and stored once.
with

decodes as (

    select * exclude (events, pairs) from {{ ref('int_film_chunk_decodes') }}

),

reconciliation as (

    select
        match_id,
        count(*) as reconciled_players,
        count(*) filter (where not in_stats) as film_players_not_in_stats,
        max(max_abs_diff) as max_abs_diff,
        bool_and(is_exact) as is_exact
    from {{ ref('fct_film_reconciliation') }}
    group by match_id

),

final as (

    select
        decodes.match_id,
        decodes.chunk_index,
        decodes.film_major_version,
        decodes.chunk_bytes,
        decodes.chunk_fetched_at,
        decodes.chunk_landing_seq,
        decodes.decode_error is null as is_decoded,
        decodes.decode_error,
        decodes.event_count,
        decodes.kill_events,
        decodes.death_events,
        decodes.medal_events,
        decodes.mode_events,
        decodes.skipped_records,
        decodes.first_skip_reason,
        decodes.pair_count,
        decodes.kill_events - decodes.pair_count as unpaired_kills,
        decodes.pair_tolerance_ms,
        reconciliation.reconciled_players,
        reconciliation.film_players_not_in_stats,
        reconciliation.is_exact as film_matches_stats,
        reconciliation.max_abs_diff as reconcile_max_abs_diff,
        reconciliation.max_abs_diff <= {{ var('film_reconcile_tolerance', 1) }} as within_tolerance,
        decodes.dbt_invocation_id
    from decodes
    left join reconciliation on decodes.match_id = reconciliation.match_id

)

select * from final
