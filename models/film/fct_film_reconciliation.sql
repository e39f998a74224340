-- Incremental per match (macro film_matches_to_build): a film is reconciled once its stats have
-- landed, and again when its chunk or its stats land again.
with

reconciliation as (

    select * from {{ ref('prep_film_player_reconciliation') }}

),

matches_to_build as (

    {{ film_matches_to_build(
        ref('int_film_chunk_decodes'), ref('dim_matches'), 'decode_error is null', stats_required=true
    ) }}

),

final as (

    select
        reconciliation.match_id,
        reconciliation.xuid,
        reconciliation.gamertag,
        reconciliation.in_stats,
        reconciliation.in_film,
        reconciliation.stats_kills,
        reconciliation.film_kills,
        reconciliation.kills_diff,
        reconciliation.stats_deaths,
        reconciliation.film_deaths,
        reconciliation.deaths_diff,
        reconciliation.stats_medals,
        reconciliation.film_medals,
        reconciliation.medals_diff,
        reconciliation.max_abs_diff,
        reconciliation.is_exact,
        reconciliation.chunk_fetched_at,
        reconciliation.chunk_landing_seq,
        reconciliation.stats_fetched_at,
        reconciliation.stats_landing_seq,
        '{{ invocation_id }}' as dbt_invocation_id
    from reconciliation
    inner join matches_to_build
        on reconciliation.match_id = matches_to_build.match_id
            and reconciliation.chunk_landing_seq = matches_to_build.chunk_landing_seq
            and reconciliation.stats_landing_seq = matches_to_build.stats_landing_seq

)

select * from final
