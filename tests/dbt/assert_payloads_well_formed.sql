-- One row per oddity of a landed payload, read from the raw JSON with its own paths. Each kind
-- of oddity is something the models tolerate (they yield NULLs, leave out a player without an id,
-- leave a name unknown) and a person should still hear about.
{#- The core counts checked on every team-stats entry. #}
{% set count_names = ['Kills', 'Deaths', 'Assists', 'Score', 'PersonalScore', 'ShotsFired', 'ShotsHit'] %}
with

-- In a sync build, the payloads of the matches this build (re)wrote; everything on a full audit.
-- Not materialized: read by two CTEs, it would otherwise hold every payload (~100 KB each) at once.
stats as not materialized (

    select
        match_id,
        payload
    from {{ source('halo', 'match_stats') }}
    where {{ halo_audited_matches([ref('dim_matches'), ref('fct_match_players')]) }}

),

-- What the checks read of each payload's top level, as scalars.
match_checks as (

    select
        parsed.match_id,
        try_cast(parsed.top_level.MatchInfo.StartTime as timestamptz) as start_time,
        json_type(parsed.top_level.Players) as players_type,
        json_array_length(parsed.top_level.Players) as players_length,
        json_type(parsed.top_level.Teams) as teams_type
    from (
        -- One parse per payload (four path lookups parsed it four times: 27 s at 100k matches).
        select
            match_id,
            json_transform(
                payload, '{"MatchInfo": {"StartTime": "VARCHAR"}, "Players": "JSON", "Teams": "JSON"}'
            ) as top_level
        from stats
    ) as parsed

),

-- Scalars only: a CTE read several times is materialized, and the players' JSON (~5 KB each)
-- would be held for every match at once.
players as (

    select
        listed.match_id,
        listed.player.PlayerId as player_id,
        listed.player.PlayerType as player_type,
        listed.player.Outcome as outcome,
        json_type(listed.player.PlayerTeamStats) as team_stats_type
    from (
        -- One typed parse per payload, the codes read as text (as ->> would).
        select
            match_id,
            unnest(json_transform(
                payload,
                '{"Players": [{"PlayerId": "VARCHAR", "PlayerType": "VARCHAR", "Outcome": "VARCHAR",
                  "PlayerTeamStats": "JSON"}]}'
            ).Players) as player
        from stats
        where json_type(payload, '$.Players') = 'ARRAY'
    ) as listed

),

-- One row per team-stats entry and count name. One typed parse per payload (the counts kept as
-- JSON, so their types can be checked): a path extraction per entry and name held ~1 GB per
-- thread at 100k matches.
entries as (

    select
        listed.match_id,
        unnest(listed.player.PlayerTeamStats) as entry
    from (
        select
            match_id,
            unnest(json_transform(
                payload,
                '{"Players": [{"PlayerTeamStats": [{"Stats": {"CoreStats": {
                {%- for name in count_names %}"{{ name }}": "JSON"{{ ", " if not loop.last }}{% endfor -%}
                }}}]}]}'
            ).Players) as player
        from stats
        where json_type(payload, '$.Players') = 'ARRAY'
    ) as listed

),

core_counts as (

    select
        entries.match_id,
        unnest([
            {%- for name in count_names %}
            '{{ name }}'{{ "," if not loop.last }}
            {%- endfor %}
        ]) as stat_name,
        unnest([
            {%- for name in count_names %}
            entries.entry.Stats.CoreStats.{{ name }}{{ "," if not loop.last }}
            {%- endfor %}
        ]) as count_json
    from entries

),

core_count_values as (

    select
        match_id,
        stat_name,
        json_type(count_json) as value_type,
        try_cast(json_extract_string(count_json, '$') as hugeint) as count_value
    from core_counts

),

player_codes as (

    select
        match_id,
        'PlayerType' as code_name,
        player_type as code_value
    from players

    union all

    select
        match_id,
        'Outcome' as code_name,
        outcome as code_value
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
    from match_checks
    where start_time is null

    union all

    select
        'match_stats' as payload,
        match_id as key,
        'no Players (missing, not a list, or empty)' as problem
    from match_checks
    where coalesce(players_type != 'ARRAY' or players_length = 0, true)

    union all

    select
        'match_stats' as payload,
        match_id as key,
        'Teams is missing or not a list' as problem
    from match_checks
    where teams_type is distinct from 'ARRAY'

    union all

    select
        'match_stats' as payload,
        match_id as key,
        'a player without a readable PlayerId: ' || coalesce(player_id, 'none') as problem
    from players
    where not regexp_full_match(coalesce(player_id, ''), 'xuid\([0-9]{16}\)|bid\([0-9.]+\)')

    union all

    select
        'match_stats' as payload,
        match_id as key,
        'a player listed twice: ' || player_id as problem
    from players
    group by match_id, player_id
    having count(*) > 1

    union all

    select
        'match_stats' as payload,
        match_id as key,
        'a player without team stats: ' || coalesce(player_id, 'none') as problem
    from players
    where team_stats_type is distinct from 'ARRAY'

    union all

    select
        'match_stats' as payload,
        match_id as key,
        'CoreStats.'
        || stat_name
        || ' is not a count (missing, not a whole number, out of range)' as problem
    from core_count_values
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
