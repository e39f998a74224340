{#-
    The body of stg_halo__match_medals and stg_halo__match_personal_scores: one row per player x
    PlayerTeamStats entry x CoreStats.<list_key>[] item of a /stats payload, as listed (counts not
    yet summed over a player's entries; zero counts kept). The two award lists have the same shape
    (NameId, Count, TotalPersonalScoreAwarded); only the list and the name of its NameId column
    differ.
      list_key:       'Medals' or 'PersonalScores' (halo_match_awards_spec)
      name_id_column: the column NameId lands in ('medal_name_id', 'personal_score_name_id')
-#}
{% macro halo_stg_match_awards(list_key, name_id_column) -%}
with

source as (

    select * from {{ source('halo', 'match_stats') }}
    {{ halo_landed_since_last_build() }}

),

unpacked as (

    select
        match_id,
        json_transform(payload, {{ halo_json_spec(halo_match_awards_spec(list_key)) }}).Players as players,
        fetched_at
    from source

),

players as (

    select
        unpacked.match_id,
        unpacked.fetched_at,
        {{ halo_unnest_with_position('unpacked.players', 'player', 'player_index') }}
    from unpacked

),

entries as (

    select
        players.*,
        {{ halo_unnest_with_position('players.player.PlayerTeamStats', 'entry', 'entry_index') }}
    from players

),

awards as (

    select
        entries.*,
        {{ halo_unnest_with_position('entries.entry.Stats.CoreStats.' ~ list_key, 'award', 'award_index') }}
    from entries

),

final as (

    select
        match_id,
        cast(player_index as integer) as player_index,
        cast(entry_index as integer) as entry_index,
        cast(award_index as integer) as award_index,
        player.PlayerId as player_id,
        {{ halo_xuid('player.PlayerId') }} as xuid,
        entry.TeamId as entry_team_id,
        award.NameId as {{ name_id_column }},
        award.Count as award_count,
        award.TotalPersonalScoreAwarded as total_personal_score_awarded,
        fetched_at
    from awards

)

select * from final
{%- endmacro %}


{#-
    One player's totals of each award in a match, over all of the player's PlayerTeamStats
    entries (staging lists an award once per entry; a player who switched teams has several):
    Count and TotalPersonalScoreAwarded summed, stats_fetched_at = the stats payload's fetched_at.
    Zero totals are kept: each model says which awards it drops.
      rows:           a CTE of stg_halo__match_medals or stg_halo__match_personal_scores rows
      name_id_column: the award's NameId column ('medal_name_id', 'personal_score_name_id')
      count_column:   the name of the summed Count ('medal_count', 'award_count')
-#}
{% macro halo_award_totals(rows, name_id_column, count_column) -%}
    select
        match_id,
        player_id,
        any_value(xuid) as xuid,
        {{ name_id_column }},
        cast(sum(award_count) as bigint) as {{ count_column }},
        cast(sum(total_personal_score_awarded) as bigint) as total_personal_score_awarded,
        max(fetched_at) as stats_fetched_at
    from {{ rows }}
    group by match_id, player_id, {{ name_id_column }}
{%- endmacro %}
