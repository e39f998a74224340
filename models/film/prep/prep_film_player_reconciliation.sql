-- Humans only: films record no bots. A xuid only the film names is kept (in_stats false) so that a
-- decoding error cannot hide behind the join (docs/domain/film.md).
with

decodes as (

    select
        match_id,
        chunk_fetched_at,
        chunk_landing_seq
    from {{ ref('int_film_chunk_decodes') }}
    where decode_error is null

),

matches as (

    select
        match_id,
        stats_fetched_at,
        stats_landing_seq
    from {{ ref('dim_matches') }}

),

events as (

    select * from {{ ref('int_film_events') }}

),

stats_players as (

    select
        match_id,
        xuid,
        kills,
        deaths
    from {{ ref('fct_match_players') }}
    where xuid is not null

),

stats_medals as (

    select
        match_id,
        xuid,
        sum(medal_count) as medals
    from {{ ref('fct_medals') }}
    where xuid is not null
    group by match_id, xuid

),

film_players as (

    select
        match_id,
        xuid,
        -- One gamertag per xuid in a film; max() only makes the choice explicit.
        max(gamertag) as gamertag,
        count(*) filter (where event_type = 'kill') as kills,
        count(*) filter (where event_type = 'death') as deaths,
        count(*) filter (where event_type = 'medal') as medals
    from events
    group by match_id, xuid

),

reconciled_matches as (

    select
        decodes.match_id,
        decodes.chunk_fetched_at,
        decodes.chunk_landing_seq,
        matches.stats_fetched_at,
        matches.stats_landing_seq
    from decodes
    inner join matches on decodes.match_id = matches.match_id

),

stats_side as (

    select
        stats_players.match_id,
        stats_players.xuid,
        stats_players.kills,
        stats_players.deaths,
        coalesce(stats_medals.medals, 0) as medals
    from stats_players
    inner join reconciled_matches on stats_players.match_id = reconciled_matches.match_id
    left join stats_medals
        on stats_players.match_id = stats_medals.match_id
            and stats_players.xuid = stats_medals.xuid

),

film_side as (

    select film_players.*
    from film_players
    inner join reconciled_matches on film_players.match_id = reconciled_matches.match_id

),

joined as (

    select
        coalesce(stats_side.match_id, film_side.match_id) as match_id,
        coalesce(stats_side.xuid, film_side.xuid) as xuid,
        film_side.gamertag,
        stats_side.xuid is not null as in_stats,
        film_side.xuid is not null as in_film,
        coalesce(stats_side.kills, 0) as stats_kills,
        coalesce(film_side.kills, 0) as film_kills,
        coalesce(stats_side.deaths, 0) as stats_deaths,
        coalesce(film_side.deaths, 0) as film_deaths,
        coalesce(stats_side.medals, 0) as stats_medals,
        coalesce(film_side.medals, 0) as film_medals
    from stats_side
    full outer join film_side
        on stats_side.match_id = film_side.match_id
            and stats_side.xuid = film_side.xuid

),

final as (

    select
        joined.match_id,
        joined.xuid,
        joined.gamertag,
        joined.in_stats,
        joined.in_film,
        joined.stats_kills,
        joined.film_kills,
        joined.film_kills - joined.stats_kills as kills_diff,
        joined.stats_deaths,
        joined.film_deaths,
        joined.film_deaths - joined.stats_deaths as deaths_diff,
        joined.stats_medals,
        joined.film_medals,
        joined.film_medals - joined.stats_medals as medals_diff,
        greatest(
            abs(joined.film_kills - joined.stats_kills),
            abs(joined.film_deaths - joined.stats_deaths),
            abs(joined.film_medals - joined.stats_medals)
        ) as max_abs_diff,
        joined.in_stats
        and joined.film_kills = joined.stats_kills
        and joined.film_deaths = joined.stats_deaths
        and joined.film_medals = joined.stats_medals as is_exact,
        reconciled_matches.chunk_fetched_at,
        reconciled_matches.chunk_landing_seq,
        reconciled_matches.stats_fetched_at,
        reconciled_matches.stats_landing_seq
    from joined
    inner join reconciled_matches on joined.match_id = reconciled_matches.match_id

)

select * from final
