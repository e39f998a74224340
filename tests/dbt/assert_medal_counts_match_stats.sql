-- The inline json_transform spec is this test's own, not halo_payload_specs.sql's. One typed parse
-- per payload plus select-list unnests: lateral `unnest(cast(... as json[]))` joins took 2.5 s at
-- 10k matches and ~20 s at 50k on every build; this takes ~0.5 s at 10k.
with

players as (

    select
        match_id,
        unnest(json_transform(
            payload,
            '{"Players": [{"PlayerId": "VARCHAR", "PlayerTeamStats": [{"Stats": {"CoreStats":
              {"Medals": [{"NameId": "BIGINT", "Count": "BIGINT"}]}}}]}]}'
        ).Players) as player
    from {{ source('halo', 'match_stats') }}
    where {{ halo_audited_matches([ref('fct_match_players'), ref('fct_medals')]) }}

),

entries as (

    select
        players.match_id,
        player.PlayerId as player_id,
        unnest(player.PlayerTeamStats) as entry
    from players
    where player.PlayerId is not null  -- left out of the marts (assert_payloads_well_formed)

),

medals as (

    select
        entries.match_id,
        entries.player_id,
        unnest(entry.Stats.CoreStats.Medals) as medal
    from entries

),

raw_medals as (

    select
        medals.match_id,
        medals.player_id,
        medal.NameId as medal_name_id,
        sum(medal.Count) as medal_count
    from medals
    group by all

),

expected as (

    select
        match_id,
        player_id,
        count(*) as medals,
        sum(medal_count) as medal_count
    from raw_medals
    where medal_count > 0
    group by match_id, player_id

),

actual as (

    select
        match_id,
        player_id,
        count(*) as medals,
        sum(medal_count) as medal_count
    from {{ ref('fct_medals') }}
    where {{ halo_audited_matches([ref('fct_match_players'), ref('fct_medals')]) }}
    group by match_id, player_id

)

select
    coalesce(expected.match_id, actual.match_id) as match_id,
    coalesce(expected.player_id, actual.player_id) as player_id,
    expected.medals as expected_medals,
    actual.medals as actual_medals,
    expected.medal_count as expected_count,
    actual.medal_count as actual_count
from expected
full outer join actual
    on expected.match_id = actual.match_id
        and expected.player_id = actual.player_id
where expected.medals is distinct from actual.medals
    or expected.medal_count is distinct from actual.medal_count
