-- One row per oddity of a landed payload, read from the raw JSON with its own paths. Each kind
-- of oddity is something the models tolerate (they yield NULLs, leave out a player without an id,
-- leave a name unknown) and a person should still hear about.
with

stats as (

    select
        match_id,
        payload
    from {{ source('halo', 'match_stats') }}

),

players as (

    select
        stats.match_id,
        player.value as player
    from stats,
        json_each(stats.payload, '$.Players') as player
    where json_type(stats.payload, '$.Players') = 'ARRAY'

),

team_stats as (

    select
        players.match_id,
        entry.value as entry
    from players,
        json_each(players.player, '$.PlayerTeamStats') as entry
    where json_type(players.player, '$.PlayerTeamStats') = 'ARRAY'

),

count_names as (

    select
        unnest(['Kills', 'Deaths', 'Assists', 'Score', 'PersonalScore', 'ShotsFired', 'ShotsHit'])
            as stat_name

),

core_counts as (

    select
        team_stats.match_id,
        count_names.stat_name,
        json_type(team_stats.entry, '$.Stats.CoreStats.' || count_names.stat_name) as value_type,
        try_cast(team_stats.entry ->> ('$.Stats.CoreStats.' || count_names.stat_name) as hugeint)
            as count_value
    from team_stats
    cross join count_names

),

player_codes as (

    select
        match_id,
        'PlayerType' as code_name,
        player ->> '$.PlayerType' as code_value
    from players

    union all

    select
        match_id,
        'Outcome' as code_name,
        player ->> '$.Outcome' as code_value
    from players

),

known_codes as (

    select
        'PlayerType' as code_name,
        player_type::varchar as code_value
    from {{ ref('player_type_codes') }}

    union all

    select
        'Outcome' as code_name,
        outcome::varchar as code_value
    from {{ ref('outcome_codes') }}

),

problems as (

    select
        'match_stats' as payload,
        match_id as key,
        'MatchInfo.StartTime is missing or not a time' as problem
    from stats
    where try_cast(payload ->> '$.MatchInfo.StartTime' as timestamptz) is null

    union all

    select
        'match_stats' as payload,
        match_id as key,
        'no Players (missing, not a list, or empty)' as problem
    from stats
    where coalesce(
            json_type(payload, '$.Players') != 'ARRAY' or json_array_length(payload, '$.Players') = 0, true
        )

    union all

    select
        'match_stats' as payload,
        match_id as key,
        'Teams is missing or not a list' as problem
    from stats
    where json_type(payload, '$.Teams') is distinct from 'ARRAY'

    union all

    select
        'match_stats' as payload,
        match_id as key,
        'a player without a readable PlayerId: ' || coalesce(player ->> '$.PlayerId', 'none') as problem
    from players
    where not regexp_full_match(coalesce(player ->> '$.PlayerId', ''), 'xuid\([0-9]{16}\)|bid\([0-9.]+\)')

    union all

    select
        'match_stats' as payload,
        match_id as key,
        'a player listed twice: ' || (player ->> '$.PlayerId') as problem
    from players
    group by match_id, player ->> '$.PlayerId'
    having count(*) > 1

    union all

    select
        'match_stats' as payload,
        match_id as key,
        'a player without team stats: ' || coalesce(player ->> '$.PlayerId', 'none') as problem
    from players
    where json_type(player, '$.PlayerTeamStats') is distinct from 'ARRAY'

    union all

    select
        'match_stats' as payload,
        match_id as key,
        'CoreStats.'
        || stat_name
        || ' is not a count (missing, not a whole number, out of range)' as problem
    from core_counts
    where
        value_type is null
        or value_type not in ('BIGINT', 'UBIGINT')
        -- Scores go below zero for real (betrayals, suicides); counts never do.
        or (count_value < 0 and stat_name not in ('Score', 'PersonalScore'))
        or count_value < -2147483648
        or count_value > 2147483647

    union all

    select
        'match_stats' as payload,
        player_codes.match_id as key,
        'unknown ' || player_codes.code_name || ' ' || coalesce(player_codes.code_value, 'none') as problem
    from player_codes
    left join known_codes
        on
            player_codes.code_name = known_codes.code_name
            and player_codes.code_value = known_codes.code_value
    where known_codes.code_value is null

    union all

    select
        'players' as payload,
        xuid as key,
        'a gamertag that is no Xbox gamertag (missing, over 15 characters, or control characters)' as problem
    from {{ source('halo', 'players') }}
    where
        coalesce(
            length(payload ->> '$.gamertag') not between 1 and 15
            or regexp_matches(payload ->> '$.gamertag', '[\x00-\x1f\x7f]'),
            true
        )

),

final as (

    select distinct
        payload,
        key,
        problem
    from problems

)

select * from final
