-- One row per player x PlayerTeamStats entry x CoreStats.Medals[] item of a /stats payload, as listed
-- (counts not yet summed over a player's entries; zero counts kept).
with

source as (

    select * from {{ source('halo', 'match_stats') }}

),

unpacked as (

    select
        match_id,
        json_transform(payload, {{ halo_json_spec(halo_match_awards_spec('Medals')) }}).Players as players,
        fetched_at
    from source

),

players as (

    select
        unpacked.match_id,
        unpacked.fetched_at,
        player_rows.player,
        player_rows.player_index
    from unpacked
    cross join unnest(unpacked.players) with ordinality as player_rows(player, player_index)

),

entries as (

    select
        players.*,
        entry_rows.entry,
        entry_rows.entry_index
    from players
    cross join unnest(players.player.PlayerTeamStats) with ordinality as entry_rows(entry, entry_index)

),

awards as (

    select
        entries.*,
        award_rows.award,
        award_rows.award_index
    from entries
    cross join unnest(entries.entry.Stats.CoreStats.Medals) with ordinality as award_rows(award, award_index)

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
        award.NameId as medal_name_id,
        award.Count as award_count,
        award.TotalPersonalScoreAwarded as total_personal_score_awarded,
        fetched_at
    from awards

)

select * from final
