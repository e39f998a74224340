-- One row per Players[] entry x PlayerTeamStats[] entry of a /stats payload (a player who switched
-- teams has one row per team). A player with no PlayerTeamStats entry still gets one row, with a
-- NULL entry_index and NULL stats, so no player with an id is ever dropped.
with

source as (

    select * from {{ source('halo', 'match_stats') }}
    {{ halo_landed_since_last_build() }}

),

unpacked as (

    select
        match_id,
        json_transform(payload, {{ halo_json_spec(halo_match_players_spec()) }}).Players as players,
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
        players.*,
        {{ halo_unnest_with_position(
            'case when coalesce(len(players.player.PlayerTeamStats), 0) = 0 then [null]
                else players.player.PlayerTeamStats end',
            'entry', 'entry_position'
        ) }}
    from players

),

final as (

    select
        entries.match_id,
        cast(player_index as integer) as player_index,
        cast(case when entries.entry is not null then entries.entry_position end as integer) as entry_index,
        player.PlayerId as player_id,
        {{ halo_xuid('player.PlayerId') }} as xuid,
        player.PlayerType as player_type,
        -- PlayerType 2 is a bot; an id without a xuid is treated as a bot too.
        coalesce(player.PlayerType = 2, false) or {{ halo_xuid('player.PlayerId') }} is null as is_bot,
        player.BotAttributes.Difficulty as bot_difficulty,
        player.LastTeamId as last_team_id,
        player.Outcome as outcome,
        player.Rank as api_rank,
        player.ParticipationInfo.FirstJoinedTime as first_joined_time,
        player.ParticipationInfo.LastLeaveTime as last_leave_time,
        player.ParticipationInfo.PresentAtBeginning as present_at_beginning,
        player.ParticipationInfo.JoinedInProgress as joined_in_progress,
        player.ParticipationInfo.LeftInProgress as left_in_progress,
        player.ParticipationInfo.PresentAtCompletion as present_at_completion,
        {{ iso8601_duration_seconds('player.ParticipationInfo.TimePlayed') }} as time_played_seconds,
        player.ParticipationInfo.ConfirmedParticipation as confirmed_participation,
        entry.TeamId as entry_team_id,
        {{ halo_stats_columns('entry.Stats') }},
        entries.fetched_at,
        entries.landing_seq
    from entries
    -- A player without a PlayerId cannot be told apart from the others (every player mart is
    -- keyed on it): left out, and reported by the warning test assert_payloads_well_formed.
    where player.PlayerId is not null

)

select * from final
