-- Every (tracked player, match, citation definition) to evaluate, with the two versions an
-- evaluation depends on: the match's stats payload and what the definition counts
-- (docs/domain/player_progress.md). A view: always the current set, read by the evaluations, by
-- their completeness test and by fct_match_completeness.
with

player_matches as (

    select
        player_xuid,
        match_id
    from {{ ref('prep_player_match_inputs') }}

),

matches as (

    select
        match_id,
        stats_landing_seq
    from {{ ref('dim_matches') }}

),

definitions as (

    select
        citation_id,
        kind,
        medal_name_id,
        personal_score_name_id,
        stat_column,
        {{ citation_definition_fingerprint(
            'kind', 'medal_name_id', 'personal_score_name_id', 'stat_column'
        ) }} as definition_fingerprint
    from {{ ref('citation_definitions') }}

),

final as (

    select
        player_matches.player_xuid,
        player_matches.match_id,
        definitions.citation_id,
        definitions.kind,
        definitions.medal_name_id,
        definitions.personal_score_name_id,
        definitions.stat_column,
        definitions.definition_fingerprint,
        matches.stats_landing_seq
    from player_matches
    inner join matches on player_matches.match_id = matches.match_id
    cross join definitions

)

select * from final
