-- Pairs are computed once per decoded chunk (int_film_chunk_decodes); this mart adds team ids, so
-- it is rebuilt per match (macro film_matches_to_build) when the chunk or the stats change.
with

pairs as (

    select * from {{ ref('prep_film_kill_pairs') }}

),

matches_to_build as (

    {{ film_matches_to_build(ref('int_film_chunk_decodes'), ref('dim_matches'), 'pair_count > 0') }}

),

final as (

    select
        pairs.match_id,
        pairs.kill_seq,
        pairs.killer_xuid,
        pairs.killer_gamertag,
        pairs.victim_xuid,
        pairs.victim_gamertag,
        pairs.time_ms,
        pairs.death_time_ms,
        pairs.delta_ms,
        pairs.is_suicide,
        pairs.is_team_kill,
        pairs.killer_team_id,
        pairs.victim_team_id,
        pairs.chunk_fetched_at,
        pairs.chunk_landing_seq,
        pairs.stats_fetched_at,
        pairs.stats_landing_seq,
        '{{ invocation_id }}' as dbt_invocation_id
    from pairs
    inner join matches_to_build
        on pairs.match_id = matches_to_build.match_id
            and pairs.chunk_landing_seq = matches_to_build.chunk_landing_seq

)

select * from final
