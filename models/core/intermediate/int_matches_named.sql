-- Names come from the landed asset versions, so a match's names appear once its assets land
-- (dim_matches rebuilds it then); the labels follow docs/domain/matches.md.
with

matches as (

    select * from {{ ref('stg_halo__match_stats') }}

),

assets as (

    select * from {{ ref('stg_halo__ugc_assets') }}

),

teams as (

    select * from {{ ref('stg_halo__match_teams') }}

),

players as (

    select * from {{ ref('int_match_players_summed') }}

),

lifecycle_modes as (

    select * from {{ ref('lifecycle_mode_codes') }}

),

game_variant_categories as (

    select * from {{ ref('game_variant_category_codes') }}

),

playlist_experiences as (

    select * from {{ ref('playlist_experience_codes') }}

),

gameplay_interactions as (

    select * from {{ ref('gameplay_interaction_codes') }}

),

mode_category_rules as (

    select * from {{ ref('mode_category_rules') }}

),

team_scores as (

    select
        match_id,
        count(*) as team_count,
        max(score) filter (where team_id = 0) as team_0_score,
        max(score) filter (where team_id = 1) as team_1_score
    from teams
    group by match_id

),

player_counts as (

    select
        match_id,
        count(*) as player_count,
        count(*) filter (where not is_bot) as human_count
    from players
    group by match_id

),

named as (

    select
        matches.*,
        maps.public_name as map_asset_name,
        modes.public_name as mode_asset_name,
        playlists.public_name as playlist_name,
        playlists.tags as playlist_tags,
        pairs.public_name as map_mode_pair_name,
        coalesce(
            maps.public_name,
            case when pairs.linked_map_asset_id = matches.map_asset_id then pairs.linked_map_name end
        ) as map_name,
        coalesce(
            modes.public_name,
            case when pairs.linked_mode_asset_id = matches.mode_asset_id then pairs.linked_mode_name end
        ) as mode_name,
        (
            (maps.asset_id is not null)::integer
            + (modes.asset_id is not null)::integer
            + (playlists.asset_id is not null)::integer
            + (pairs.asset_id is not null)::integer
        ) as assets_resolved_count,
        (
            (matches.map_asset_id is not null)::integer
            + (matches.mode_asset_id is not null)::integer
            + (matches.playlist_asset_id is not null)::integer
            + (matches.map_mode_pair_asset_id is not null)::integer
        ) as asset_ref_count,
        -- greatest() ignores NULLs: the latest landing among the assets resolved (a newly landed
        -- asset always raises it: docs/incremental.md).
        greatest(
            maps.landing_seq, modes.landing_seq, playlists.landing_seq, pairs.landing_seq
        ) as assets_landing_seq
    from matches
    left join assets as maps
        on matches.map_asset_id = maps.asset_id
            and matches.map_version_id = maps.version_id
            and maps.asset_kind = 'maps'
    left join assets as modes
        on matches.mode_asset_id = modes.asset_id
            and matches.mode_version_id = modes.version_id
            and modes.asset_kind = 'ugcGameVariants'
    left join assets as playlists
        on matches.playlist_asset_id = playlists.asset_id
            and matches.playlist_version_id = playlists.version_id
            and playlists.asset_kind = 'playlists'
    left join assets as pairs
        on matches.map_mode_pair_asset_id = pairs.asset_id
            and matches.map_mode_pair_version_id = pairs.version_id
            and pairs.asset_kind = 'mapModePairs'

),

labelled as (

    select
        *,
        nullif(trim(regexp_replace(
            split_part(
                regexp_replace(coalesce(map_mode_pair_name, mode_name), '\s*-\s*[A-Za-z0-9]{8,}\s*$', ''),
                ' on ',
                1
            ),
            '\s*-\s*(Forge|Ranked)\b',
            '',
            'gi'
        )), '') as mode_label
    from named

),

categorised as (

    select
        labelled.match_id,
        rules.mode_category
    from labelled
    inner join mode_category_rules as rules
        on (rules.match_type = 'contains' and contains(lower(labelled.mode_label), rules.pattern))
            or (
                rules.match_type = 'prefix'
                and lower(trim(split_part(labelled.mode_label, ':', 1))) = rules.pattern
            )
    qualify row_number() over (partition by labelled.match_id order by rules.rule_order) = 1

),

final as (

    select
        labelled.match_id,
        labelled.start_time,
        labelled.end_time,
        labelled.is_end_time_derived,
        labelled.duration_seconds,
        labelled.playable_duration_seconds,
        labelled.lifecycle_mode,
        lifecycle_modes.lifecycle_mode_name,
        labelled.game_variant_category,
        game_variant_categories.game_variant_category_name,
        labelled.playlist_experience,
        playlist_experiences.playlist_experience_name,
        labelled.gameplay_interaction,
        gameplay_interactions.gameplay_interaction_name,
        labelled.level_id,
        labelled.map_asset_id,
        labelled.map_version_id,
        labelled.map_name,
        labelled.mode_asset_id,
        labelled.mode_version_id,
        labelled.mode_name,
        labelled.playlist_asset_id,
        labelled.playlist_version_id,
        labelled.playlist_name,
        labelled.map_mode_pair_asset_id,
        labelled.map_mode_pair_version_id,
        labelled.map_mode_pair_name,
        labelled.mode_label,
        case
            when labelled.mode_label is not null then coalesce(categorised.mode_category, 'Other')
        end as mode_category,
        case
            when labelled.playlist_asset_id is null then false
            when labelled.playlist_name is null then null
            else contains(lower(labelled.playlist_name), 'ranked')
                or coalesce(list_bool_or(list_transform(
                    labelled.playlist_tags,
                    -- tag is the lambda's parameter, not a column.
                    lambda tag: contains(lower(tag), 'ranked')  -- noqa: RF02
                )), false)
        end as is_ranked,
        (
            coalesce(labelled.game_variant_category = 42, false)
            or coalesce(contains(lower(labelled.mode_name), 'firefight'), false)
            or coalesce(contains(lower(labelled.playlist_name), 'firefight'), false)
        ) as is_firefight,
        labelled.season_id,
        labelled.clearance_id,
        labelled.teams_enabled,
        labelled.team_scoring_enabled,
        coalesce(team_scores.team_count, 0) as team_count,
        team_scores.team_0_score,
        team_scores.team_1_score,
        coalesce(player_counts.player_count, 0) as player_count,
        coalesce(player_counts.human_count, 0) as human_count,
        labelled.asset_ref_count,
        labelled.assets_resolved_count,
        labelled.assets_landing_seq,
        labelled.fetched_at as stats_fetched_at,
        labelled.landing_seq as stats_landing_seq
    from labelled
    left join categorised on labelled.match_id = categorised.match_id
    left join team_scores on labelled.match_id = team_scores.match_id
    left join player_counts on labelled.match_id = player_counts.match_id
    left join lifecycle_modes on labelled.lifecycle_mode = lifecycle_modes.lifecycle_mode
    left join game_variant_categories
        on labelled.game_variant_category = game_variant_categories.game_variant_category
    left join playlist_experiences
        on labelled.playlist_experience = playlist_experiences.playlist_experience
    left join gameplay_interactions
        on labelled.gameplay_interaction = gameplay_interactions.gameplay_interaction

)

select * from final
