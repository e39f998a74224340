-- Medals and personal scores have the same shape in a /stats payload (NameId, Count,
-- TotalPersonalScoreAwarded per PlayerTeamStats entry), so one model unpacks both lists in one
-- parse of the payload; award_list says which list a row comes from.
with

source as (

    select * from {{ source('halo', 'match_stats') }}
    {{ halo_landed_since_last_build() }}

),

unpacked as (

    select
        match_id,
        json_transform(payload, {{ halo_json_spec(halo_match_awards_spec()) }}).Players as players,
        fetched_at,
        landing_seq
    from source

),

players as (

    select
        unpacked.match_id,
        unpacked.fetched_at,
        unpacked.landing_seq,
        {{ halo_unnest_with_position('unpacked.players', 'player', 'player_index') }}
    from unpacked

),

entries as (

    select
        players.match_id,
        players.fetched_at,
        players.landing_seq,
        players.player_index,
        players.player,
        {{ halo_unnest_with_position('players.player.PlayerTeamStats', 'entry', 'entry_index') }}
    from players

),

award_lists as (

    select
        entries.match_id,
        entries.fetched_at,
        entries.landing_seq,
        entries.player_index,
        entries.player,
        entries.entry_index,
        entries.entry,
        unnest([
            { 'list_name': 'Medals', 'items': entries.entry.Stats.CoreStats.Medals },
            { 'list_name': 'PersonalScores', 'items': entries.entry.Stats.CoreStats.PersonalScores }
        ]) as listed
    from entries

),

awards as (

    select
        award_lists.match_id,
        award_lists.fetched_at,
        award_lists.landing_seq,
        award_lists.player_index,
        award_lists.player,
        award_lists.entry_index,
        award_lists.entry,
        award_lists.listed.list_name as award_list,
        {{ halo_unnest_with_position('award_lists.listed.items', 'award', 'award_index') }}
    from award_lists

),

final as (

    select
        awards.match_id,
        cast(player_index as integer) as player_index,
        cast(entry_index as integer) as entry_index,
        awards.award_list,
        cast(award_index as integer) as award_index,
        player.PlayerId as player_id,
        {{ halo_xuid('player.PlayerId') }} as xuid,
        entry.TeamId as entry_team_id,
        award.NameId as award_name_id,
        award.Count as award_count,
        award.TotalPersonalScoreAwarded as total_personal_score_awarded,
        awards.fetched_at,
        awards.landing_seq
    from awards
    -- As stg_halo__match_player_team_stats: a player without a PlayerId is left out (and reported
    -- by assert_payloads_well_formed).
    where player.PlayerId is not null

)

select * from final
