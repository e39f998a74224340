-- The evaluations with a value: incremental on the same key and versions as
-- prep_player_citation_evaluations, so only the triples evaluated again are rewritten; a
-- post-hook deletes the rows whose evaluation is now 0 or gone.
with

evaluations as (

    select
        player_xuid,
        match_id,
        citation_id,
        value,
        definition_fingerprint,
        stats_landing_seq
    from {{ ref('prep_player_citation_evaluations') }}
    where value > 0

),

citations_to_build as (

    {{ halo_keys_to_build(
        'evaluations',
        ['player_xuid', 'match_id', 'citation_id'],
        ['stats_landing_seq', 'definition_fingerprint']
    ) }}

),

final as (

    select
        player_xuid,
        match_id,
        citation_id,
        value,
        definition_fingerprint,
        stats_landing_seq,
        '{{ invocation_id }}' as dbt_invocation_id
    from citations_to_build

)

select * from final
