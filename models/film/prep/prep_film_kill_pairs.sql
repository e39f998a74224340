-- Team ids come from the core marts, so a pair's team-kill flag is unknown (NULL) until the
-- match's stats land (docs/domain/film.md).
with

decodes as (

    select
        match_id,
        chunk_fetched_at,
        chunk_landing_seq,
        pairs
    from {{ ref('int_film_chunk_decodes') }}
    where pair_count > 0

),

players as (

    select
        match_id,
        xuid,
        team_id
    from {{ ref('fct_match_players') }}
    where xuid is not null

),

matches as (

    select
        match_id,
        teams_enabled,
        stats_fetched_at,
        stats_landing_seq
    from {{ ref('dim_matches') }}

),

unnested as (

    select
        match_id,
        chunk_fetched_at,
        chunk_landing_seq,
        -- A recursive unnest expands the structs into their fields: no alias to give.
        unnest(pairs, recursive := true)  -- noqa: AL03
    from decodes

),

final as (

    select
        unnested.match_id,
        unnested.kill_seq,
        unnested.killer_xuid,
        unnested.killer_gamertag,
        unnested.victim_xuid,
        unnested.victim_gamertag,
        unnested.time_ms,
        unnested.death_time_ms,
        unnested.delta_ms,
        unnested.is_suicide,
        killers.team_id as killer_team_id,
        victims.team_id as victim_team_id,
        case
            when unnested.is_suicide then false
            when matches.teams_enabled is null then null
            when not matches.teams_enabled then false
            else killers.team_id = victims.team_id
        end as is_team_kill,
        unnested.chunk_fetched_at,
        unnested.chunk_landing_seq,
        matches.stats_fetched_at,
        matches.stats_landing_seq
    from unnested
    left join matches on unnested.match_id = matches.match_id
    left join players as killers
        on unnested.match_id = killers.match_id
            and unnested.killer_xuid = killers.xuid
    left join players as victims
        on unnested.match_id = victims.match_id
            and unnested.victim_xuid = victims.xuid

)

select * from final
