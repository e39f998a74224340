-- Incremental per (player, match, citation): a triple is evaluated when it has no row yet, when
-- its match's stats payload landed again, or when its definition now counts something else, so a
-- new or changed seed row fills that citation over the whole history and nothing else.
with

candidates as (

    select * from {{ ref('prep_player_citation_candidates') }}

),

evaluations_to_build as (

    {{ halo_keys_to_build(
        'candidates',
        ['player_xuid', 'match_id', 'citation_id'],
        ['stats_landing_seq', 'definition_fingerprint']
    ) }}

),

matches_to_read as (

    select distinct match_id from evaluations_to_build

),

medal_counts as (

    -- fct_medals already sums a player's team entries (one row per player and medal).
    select
        medals.match_id,
        medals.xuid,
        medals.medal_name_id,
        sum(medals.medal_count) as medal_count
    from {{ ref('fct_medals') }} as medals
    inner join matches_to_read on medals.match_id = matches_to_read.match_id
    where medals.xuid is not null
    group by medals.match_id, medals.xuid, medals.medal_name_id

),

award_counts as (

    select
        awards.match_id,
        awards.xuid,
        awards.personal_score_name_id,
        sum(awards.award_count) as award_count
    from {{ ref('fct_personal_scores') }} as awards
    inner join matches_to_read on awards.match_id = matches_to_read.match_id
    where awards.xuid is not null
    group by awards.match_id, awards.xuid, awards.personal_score_name_id

),

player_stats as (

    select match_players.*
    from {{ ref('fct_match_players') }} as match_players
    inner join matches_to_read on match_players.match_id = matches_to_read.match_id
    where match_players.xuid is not null

),

stat_values as (

    select
        evaluations_to_build.player_xuid,
        evaluations_to_build.match_id,
        evaluations_to_build.citation_id,
        {{ citation_stat_value('evaluations_to_build.stat_column', 'player_stats') | indent(8) }}
            as stat_value
    from evaluations_to_build
    inner join player_stats
        on evaluations_to_build.match_id = player_stats.match_id
            and evaluations_to_build.player_xuid = player_stats.xuid
    where evaluations_to_build.kind = 'stat'

),

final as (

    select
        evaluations_to_build.player_xuid,
        evaluations_to_build.match_id,
        evaluations_to_build.citation_id,
        cast(coalesce(
            case evaluations_to_build.kind
                when 'medal' then medal_counts.medal_count
                when 'award' then award_counts.award_count
                when 'stat' then stat_values.stat_value
            end,
            0
        ) as bigint) as value,
        evaluations_to_build.definition_fingerprint,
        evaluations_to_build.stats_landing_seq,
        '{{ invocation_id }}' as dbt_invocation_id
    from evaluations_to_build
    left join medal_counts
        on evaluations_to_build.kind = 'medal'
            and evaluations_to_build.match_id = medal_counts.match_id
            and evaluations_to_build.player_xuid = medal_counts.xuid
            and evaluations_to_build.medal_name_id = medal_counts.medal_name_id
    left join award_counts
        on evaluations_to_build.kind = 'award'
            and evaluations_to_build.match_id = award_counts.match_id
            and evaluations_to_build.player_xuid = award_counts.xuid
            and evaluations_to_build.personal_score_name_id = award_counts.personal_score_name_id
    left join stat_values
        on evaluations_to_build.player_xuid = stat_values.player_xuid
            and evaluations_to_build.match_id = stat_values.match_id
            and evaluations_to_build.citation_id = stat_values.citation_id

)

select * from final
