-- Every (tracked player, match, citation) is evaluated from the current stats payload and
-- definition, no evaluation is left for a triple that is no longer a candidate, and
-- fct_match_citations holds exactly the evaluations above 0 (docs/domain/player_progress.md).
with

candidates as (

    select
        player_xuid,
        match_id,
        citation_id,
        definition_fingerprint,
        stats_landing_seq
    from {{ ref('prep_player_citation_candidates') }}

),

evaluations as (

    select
        player_xuid,
        match_id,
        citation_id,
        value,
        definition_fingerprint,
        stats_landing_seq
    from {{ ref('prep_player_citation_evaluations') }}

),

match_citations as (

    select
        player_xuid,
        match_id,
        citation_id,
        value,
        definition_fingerprint,
        stats_landing_seq
    from {{ ref('fct_match_citations') }}

),

evaluations_with_value as (

    select * from evaluations
    where value > 0

),

missing_from_mart as (

    select * from evaluations_with_value
    except all
    select * from match_citations

),

extra_in_mart as (

    select * from match_citations
    except all
    select * from evaluations_with_value

),

problems as (

    select
        candidates.player_xuid,
        candidates.match_id,
        candidates.citation_id,
        'not evaluated from the current stats and definition' as problem
    from candidates
    left join evaluations
        on candidates.player_xuid = evaluations.player_xuid
            and candidates.match_id = evaluations.match_id
            and candidates.citation_id = evaluations.citation_id
            and candidates.definition_fingerprint = evaluations.definition_fingerprint
            and candidates.stats_landing_seq = evaluations.stats_landing_seq
    where evaluations.match_id is null

    union all

    select
        evaluations.player_xuid,
        evaluations.match_id,
        evaluations.citation_id,
        'evaluation without a current candidate' as problem
    from evaluations
    left join candidates
        on evaluations.player_xuid = candidates.player_xuid
            and evaluations.match_id = candidates.match_id
            and evaluations.citation_id = candidates.citation_id
    where candidates.match_id is null

    union all

    select
        player_xuid,
        match_id,
        citation_id,
        'evaluated above 0, not (so) in fct_match_citations' as problem
    from missing_from_mart

    union all

    select
        player_xuid,
        match_id,
        citation_id,
        'in fct_match_citations, not evaluated so' as problem
    from extra_in_mart

),

final as (

    select
        player_xuid,
        match_id,
        citation_id,
        problem
    from problems

)

select * from final
