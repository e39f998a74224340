-- Incremental per match (macro film_matches_to_build): rebuilt when the chunk is decoded again or
-- the match's stats change, since team ids arrive with the stats.
with

events as (

    select * from {{ ref('int_film_events') }}

),

players as (

    select
        match_id,
        xuid,
        team_id
    from {{ ref('fct_match_players') }}
    where xuid is not null

),

medal_codes as (

    select * from {{ ref('film_medal_codes') }}

),

matches_to_build as (

    {{ film_matches_to_build(ref('int_film_chunk_decodes'), ref('dim_matches'), 'event_count > 0') }}

),

final as (

    select
        events.match_id,
        events.event_seq,
        events.xuid,
        events.gamertag,
        events.event_type,
        events.type_hint,
        events.is_medal,
        events.time_ms,
        events.medal_code,
        medal_codes.medal_name,
        players.team_id,
        events.bit_offset,
        events.film_major_version,
        events.chunk_fetched_at,
        events.chunk_landing_seq,
        matches_to_build.stats_fetched_at,
        matches_to_build.stats_landing_seq,
        '{{ invocation_id }}' as dbt_invocation_id
    from events
    inner join matches_to_build
        on events.match_id = matches_to_build.match_id
            and events.chunk_landing_seq = matches_to_build.chunk_landing_seq
    left join players
        on events.match_id = players.match_id
            and events.xuid = players.xuid
    left join medal_codes on events.medal_code = medal_codes.film_medal_code

)

select * from final
