-- Grain: one paired kill; key (match_id, kill_seq). Pairs are computed when the chunk is decoded
-- (int_film_chunk_decodes: a match with 0 pairs keeps its decode row, so it is never paired
-- again); this mart unnests them with team ids and the team-kill flag (prep_film_kill_pairs).
-- Incremental filter = missing-data detection, whole matches replaced (delete+insert on match_id):
-- a match is (re)built when its film has pairs but no row here yet, when its chunk was decoded
-- again (chunk_fetched_at differs) or its stats payload changed (stats_fetched_at differs, NULL =
-- no stats yet: team ids and is_team_kill arrive with the stats). The post-hook deletes rows of
-- a film that now has no pairs or whose versions moved without a rewrite.
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
        pairs.stats_fetched_at,
        '{{ invocation_id }}' as dbt_invocation_id
    from pairs
    inner join matches_to_build
        on pairs.match_id = matches_to_build.match_id
        and pairs.chunk_fetched_at = matches_to_build.chunk_fetched_at

)

select * from final
