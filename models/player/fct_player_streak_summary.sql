-- Incremental per player, like fct_player_streaks: a player whose streak_input_fingerprint moved
-- gets every summary row rewritten (overall and per playlist), nobody else.
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

scoped_matches as (

    select
        inputs.player_xuid,
        'overall' as scope,
        null::varchar as playlist_asset_id,
        inputs.match_id,
        inputs.start_time,
        inputs.end_time,
        inputs.outcome
    from inputs
    inner join players_to_build on inputs.player_xuid = players_to_build.player_xuid

    union all

    select
        inputs.player_xuid,
        'playlist' as scope,
        inputs.playlist_asset_id,
        inputs.match_id,
        inputs.start_time,
        inputs.end_time,
        inputs.outcome
    from inputs
    inner join players_to_build on inputs.player_xuid = players_to_build.player_xuid
    where inputs.playlist_asset_id is not null

),

scopes as (

    select
        player_xuid,
        scope,
        playlist_asset_id,
        count(*) as match_count
    from scoped_matches
    group by player_xuid, scope, playlist_asset_id

),

-- The playlist's latest name among the player's matches (names resolve as assets land).
playlist_names as (

    select
        player_xuid,
        playlist_asset_id,
        arg_max(playlist_name, start_time) as playlist_name
    from inputs
    where playlist_asset_id is not null
    group by player_xuid, playlist_asset_id

),

streaks as (

    {{ halo_streaks('scoped_matches', ['player_xuid', 'scope', 'playlist_asset_id']) }}

),

longest as (

    select *
    from streaks
    qualify row_number() over (
            partition by player_xuid, scope, playlist_asset_id, streak_kind
            order by length desc, start_time desc
        ) = 1

),

current_streaks as (

    select * from streaks
    where is_current

),

kinds as (

    select unnest(['win', 'loss']) as streak_kind

),

final as (

    select
        scopes.player_xuid,
        scopes.scope,
        scopes.playlist_asset_id,
        playlist_names.playlist_name,
        kinds.streak_kind,
        scopes.match_count,
        coalesce(longest.length, 0) as longest_length,
        longest.first_match_id as longest_first_match_id,
        longest.last_match_id as longest_last_match_id,
        longest.start_time as longest_start_time,
        longest.end_time as longest_end_time,
        coalesce(current_streaks.length, 0) as current_length,
        current_streaks.first_match_id as current_first_match_id,
        current_streaks.start_time as current_start_time,
        players_to_build.streak_input_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id
    from scopes
    cross join kinds
    inner join players_to_build on scopes.player_xuid = players_to_build.player_xuid
    left join playlist_names
        on scopes.player_xuid = playlist_names.player_xuid
            and scopes.playlist_asset_id = playlist_names.playlist_asset_id
    left join longest
        on scopes.player_xuid = longest.player_xuid
            and scopes.scope = longest.scope
            and scopes.playlist_asset_id is not distinct from longest.playlist_asset_id
            and kinds.streak_kind = longest.streak_kind
    left join current_streaks
        on scopes.player_xuid = current_streaks.player_xuid
            and scopes.scope = current_streaks.scope
            and scopes.playlist_asset_id is not distinct from current_streaks.playlist_asset_id
            and kinds.streak_kind = current_streaks.streak_kind

)

select * from final
