-- A player who switched teams has one PlayerTeamStats entry per team, so totals are summed over
-- every entry and the rates recomputed from the sums, never taken from one entry
-- (docs/domain/matches.md).
with

entries as (

    select * from {{ ref('stg_halo__match_player_team_stats') }}
    -- A table, built per match from its landed stats payload only (see halo_incremental.sql).
    {{ halo_landed_since_last_build('landing_seq', 'stats_landing_seq') }}

),

-- Most players have exactly one entry: their row is projected as it is (the same columns and
-- types as the sums), and only players with several entries (team switches) are aggregated. At
-- 50k matches one hash aggregate of ~100 sums over every player needed > 1 GB; this ~0.2 GB.
entry_counts as (

    select
        match_id,
        player_id,
        count(*) as entry_rows
    from entries
    group by match_id, player_id

),

entries_counted as (

    select
        entries.*,
        entry_counts.entry_rows
    from entries
    inner join entry_counts
        on entries.match_id = entry_counts.match_id
            and entries.player_id = entry_counts.player_id

),

{%- set player_attribute_columns = [
    'player_index', 'xuid', 'is_bot', 'player_type', 'bot_difficulty', 'last_team_id', 'outcome',
    'api_rank', 'first_joined_time', 'last_leave_time', 'present_at_beginning', 'joined_in_progress',
    'left_in_progress', 'present_at_completion', 'time_played_seconds', 'confirmed_participation',
] %}

one_entry_players as (

    select
        match_id,
        player_id,
        {%- for column in player_attribute_columns %}
        {{ column }},
        {%- endfor %}
        cast(entry_index is not null as bigint) as team_entry_count,
        case when entry_team_id is not null then [entry_team_id] end as entry_team_ids,
        {{ halo_stats_aggregates(over_one_entry=true) }},
        cast(coalesce(
            round(api_avg_life_seconds * spawns / nullif(spawns, 0), 7),
            api_avg_life_seconds
        ) as decimal(18, 7)) as avg_life_seconds,
        fetched_at,
        landing_seq
    from entries_counted
    where entry_rows = 1

),

-- Player-level attributes come from the player's first Players[] appearance (a duplicated id
-- would be the same player listed twice: its entries are summed together below).
multi_entry_attributes as (

    select
        match_id,
        player_id,
    {%- for column in player_attribute_columns %}
    {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
    from entries_counted
    where entry_rows > 1
    qualify row_number() over (
            partition by match_id, player_id
            order by player_index, entry_index nulls last
        ) = 1

),

multi_entry_sums as (

    select
        match_id,
        player_id,
        count(entry_index) as team_entry_count,
        list_sort(list(distinct entry_team_id) filter (where entry_team_id is not null)) as entry_team_ids,
        {{ halo_stats_aggregates() }},
        -- Spawn-weighted mean of AverageLifeDuration (time alive / lives over all entries), kept
        -- to the 7 decimals of the source durations; entries without spawns fall back to the max.
        cast(coalesce(
            round(sum(api_avg_life_seconds * spawns) / nullif(sum(spawns), 0), 7),
            max(api_avg_life_seconds)
        ) as decimal(18, 7)) as avg_life_seconds,
        max(fetched_at) as fetched_at,
        max(landing_seq) as landing_seq
    from entries_counted
    where entry_rows > 1
    group by match_id, player_id

),

joined as (

    select * from one_entry_players
    union all by name
    select
        multi_entry_attributes.*,
        -- SQLFluff reads an exclude list as unqualified references.
        multi_entry_sums.* exclude (match_id, player_id)  -- noqa: RF02
    from multi_entry_attributes
    inner join multi_entry_sums
        on multi_entry_attributes.match_id = multi_entry_sums.match_id
            and multi_entry_attributes.player_id = multi_entry_sums.player_id

),

final as (

    select
        match_id,
        player_id,
        player_index,
        xuid,
        is_bot,
        player_type,
        bot_difficulty,
        last_team_id as team_id,
        outcome,
        coalesce(
            api_rank,
            cast(row_number() over (
                partition by match_id
                order by coalesce(personal_score, score, -1) desc, player_index
            ) as integer)
        ) as rank,
        api_rank is null as is_rank_derived,
        first_joined_time,
        last_leave_time,
        present_at_beginning,
        joined_in_progress,
        left_in_progress,
        present_at_completion,
        time_played_seconds,
        confirmed_participation,
        team_entry_count,
        entry_team_ids,
        {%- for column in halo_summed_stat_columns() %}
        {%- if column in ('kills', 'deaths', 'assists') %}
        -- A player without any stats entry played nothing: 0/0/0. Other sums stay NULL, and so
        -- does a count the payload sent as null (unknown is not zero).
        case when team_entry_count = 0 then 0 else {{ column }} end as {{ column }},
        {%- else %}
        {{ column }},
        {%- endif %}
        {%- endfor %}
        case
            when team_entry_count = 0 then 0.0
            else cast(kills + assists / 3 - deaths as double)
        end as kda,
        cast(shots_hit as double) * 100 / nullif(shots_fired, 0) as accuracy,
        avg_life_seconds,
        cast(pvp_kills + pvp_assists / 3 - pvp_deaths as double) as pvp_kda,
        cast(pve_kills + pve_assists / 3 - pve_deaths as double) as pve_kda,
        fetched_at as stats_fetched_at,
        landing_seq as stats_landing_seq
    from joined

)

select * from final
