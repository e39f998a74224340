-- Incremental per player: a player whose streak_input_fingerprint moved (a new match, an older
-- match arriving late, an outcome re-fetched) gets all their streaks rewritten, nobody else.
with

inputs as (

    select * from {{ ref('prep_player_streak_inputs') }}

),

player_versions as (

    select distinct
        player_xuid,
        streak_input_fingerprint
    from inputs

),

players_to_build as (

    {{ halo_keys_to_build('player_versions', ['player_xuid'], ['streak_input_fingerprint']) }}

),

matches_to_read as (

    select inputs.*
    from inputs
    inner join players_to_build on inputs.player_xuid = players_to_build.player_xuid

),

streaks as (

    {{ halo_streaks('matches_to_read', ['player_xuid']) }}

),

final as (

    select
        streaks.player_xuid,
        streaks.streak_kind,
        streaks.first_match_id,
        streaks.last_match_id,
        streaks.start_time,
        streaks.end_time,
        streaks.length,
        streaks.is_current,
        players_to_build.streak_input_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id
    from streaks
    inner join players_to_build on streaks.player_xuid = players_to_build.player_xuid

)

select * from final
