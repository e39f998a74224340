-- Rewritten per player: a player's rows are rewritten when any of them would change (a new or
-- late match, a re-fetched payload, a decoded film, a gamertag seen newer), nobody else's.
with

player_matches as (

    select
        player_xuid,
        match_id,
        start_time,
        teams_enabled,
        team_id,
        outcome
    from {{ ref('prep_competitive_player_matches') }}

),

humans as (

    select
        match_id,
        xuid,
        team_id
    from {{ ref('fct_match_players') }}
    where xuid is not null

),

pairs as (

    select
        match_id,
        killer_xuid,
        victim_xuid,
        time_ms
    from {{ ref('fct_killer_victim_pairs') }}
    where not is_suicide

),

decoded_films as (

    select match_id from {{ ref('fct_film_decodes') }}
    where is_decoded

),

players as (

    select
        xuid,
        gamertag
    from {{ ref('dim_players') }}

),

player_totals as (

    select
        player_xuid,
        count(*) as matches,
        count(*) filter (where outcome = 2) as wins
    from player_matches
    group by player_xuid

),

-- Every other human of each of the player's matches, with which side they were on.
encounters as (

    select
        player_matches.player_xuid,
        humans.xuid,
        player_matches.match_id,
        player_matches.start_time,
        player_matches.outcome,
        case
            when player_matches.team_id is null or humans.team_id is null then null
            when player_matches.teams_enabled is not false and player_matches.team_id = humans.team_id
                then 'together'
            else 'against'
        end as side,
        decoded_films.match_id is not null as has_film
    from player_matches
    inner join humans
        on player_matches.match_id = humans.match_id
            and player_matches.player_xuid <> humans.xuid
    left join decoded_films on player_matches.match_id = decoded_films.match_id

),

-- Each paired kill seen from both sides: the killer's kill on the victim, the victim's death to the killer.
directed_kills as (

    select
        match_id,
        killer_xuid as player_xuid,
        victim_xuid as xuid,
        time_ms,
        true as is_kill
    from pairs

    union all

    select
        match_id,
        victim_xuid as player_xuid,
        killer_xuid as xuid,
        time_ms,
        false as is_kill
    from pairs

),

kills as (

    select
        encounters.player_xuid,
        encounters.xuid,
        count(*) filter (where directed_kills.is_kill) as kills_on,
        count(*) filter (where not directed_kills.is_kill) as deaths_to,
        max(encounters.start_time + to_milliseconds(directed_kills.time_ms)) as last_encounter_at,
        arg_max(
            encounters.match_id, encounters.start_time + to_milliseconds(directed_kills.time_ms)
        ) as last_encounter_match_id
    from encounters
    inner join directed_kills
        on encounters.match_id = directed_kills.match_id
            and encounters.player_xuid = directed_kills.player_xuid
            and encounters.xuid = directed_kills.xuid
    group by encounters.player_xuid, encounters.xuid

),

per_person as (

    select
        player_xuid,
        xuid,
        count(*) filter (where side = 'together') as matches_together,
        count(*) filter (where side = 'together' and outcome = 2) as wins_together,
        count(*) filter (where side = 'against') as matches_against,
        count(*) filter (where side = 'against' and outcome = 2) as wins_against,
        count(*) filter (where has_film) as film_matches,
        min(start_time) as first_played_at,
        max(start_time) as last_played_at
    from encounters
    group by player_xuid, xuid

),

summary as (

    select
        per_person.player_xuid,
        per_person.xuid,
        players.gamertag,
        per_person.matches_together,
        per_person.wins_together,
        per_person.matches_against,
        per_person.wins_against,
        case
            when per_person.matches_together > 0 then per_person.wins_together / per_person.matches_together
        end as win_rate_together,
        case
            when player_totals.matches > per_person.matches_together
                then (player_totals.wins - per_person.wins_together)
                    / (player_totals.matches - per_person.matches_together)
        end as win_rate_without,
        case
            when per_person.matches_against > 0 then per_person.wins_against / per_person.matches_against
        end as win_rate_against,
        per_person.film_matches,
        case when per_person.film_matches > 0 then coalesce(kills.kills_on, 0) end as kills_on,
        case when per_person.film_matches > 0 then coalesce(kills.deaths_to, 0) end as deaths_to,
        kills.last_encounter_at,
        kills.last_encounter_match_id,
        per_person.first_played_at,
        per_person.last_played_at
    from per_person
    inner join player_totals on per_person.player_xuid = player_totals.player_xuid
    left join players on per_person.xuid = players.xuid
    left join kills
        on per_person.player_xuid = kills.player_xuid
            and per_person.xuid = kills.xuid

),

players_to_build as (

    {{ halo_groups_to_build('summary', ['player_xuid']) }}

),

final as (

    select
        summary.player_xuid,
        summary.xuid,
        summary.gamertag,
        summary.matches_together,
        summary.wins_together,
        summary.matches_against,
        summary.wins_against,
        summary.win_rate_together,
        summary.win_rate_without,
        summary.win_rate_against,
        summary.film_matches,
        summary.kills_on,
        summary.deaths_to,
        summary.last_encounter_at,
        summary.last_encounter_match_id,
        summary.first_played_at,
        summary.last_played_at,
        players_to_build.input_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id
    from summary
    inner join players_to_build on summary.player_xuid = players_to_build.player_xuid

)

select * from final
