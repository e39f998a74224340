{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='match_id',
        on_schema_change='fail'
    )
}}
-- One row per player x PlayerTeamStats entry x CoreStats.PersonalScores[] item of a /stats payload, as listed
-- (counts not yet summed over a player's entries; zero counts kept).
with

source as (

    select * from {{ source('halo', 'match_stats') }}
    {{ halo_landed_since_last_build() }}

),

unpacked as (

    select
        match_id,
        json_transform(payload, {{ halo_json_spec(halo_match_awards_spec('PersonalScores')) }}).Players as players,
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
        {{ halo_unnest_with_position('entries.entry.Stats.CoreStats.PersonalScores', 'award', 'award_index') }}
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
        award.NameId as personal_score_name_id,
        award.Count as award_count,
        award.TotalPersonalScoreAwarded as total_personal_score_awarded,
        fetched_at
    from awards

)

select * from final
