-- Read from the raw skill JSON with its own paths (not the staging spec), per tracked player.
with

tracked as (

    select xuid from {{ source('halo', 'tracked_players') }}

),

-- In a sync build, the matches this build (re)wrote; everything on a full audit. Ranked matches
-- only, before any JSON is read.
ranked_skill as (

    select
        skill.match_id,
        skill.landing_seq,
        skill.payload
    from {{ source('halo', 'match_skill') }} as skill
    inner join {{ ref('dim_matches') }} as matches on skill.match_id = matches.match_id
    where matches.is_ranked
        and {{ halo_audited_matches([ref('fct_match_players'), ref('fct_player_csr')], 'skill.match_id') }}

),

-- Scalars only (an unnest of the answers, not json_each: the answers' JSON is never held).
answers as (

    select
        match_id,
        landing_seq,
        regexp_extract(answer ->> 'Id', '^xuid\((\d{16})\)$', 1) as xuid,
        cast(answer ->> 'ResultCode' as integer) as result_code,
        json_type(answer, '$.Result.RankRecap') as recap_type,
        nullif(cast(answer ->> '$.Result.RankRecap.PreMatchCsr.Value' as integer), -1) as pre_csr,
        nullif(cast(answer ->> '$.Result.RankRecap.PostMatchCsr.Value' as integer), -1) as post_csr
    from (
        select
            match_id,
            landing_seq,
            unnest(json_extract(payload, '$.Value[*]')) as answer
        from ranked_skill
    ) as listed

),

expected as (

    select
        answers.xuid as player_xuid,
        answers.match_id,
        answers.landing_seq,
        answers.pre_csr,
        answers.post_csr
    from answers
    inner join tracked on answers.xuid = tracked.xuid
    where answers.result_code = 0
        and answers.recap_type = 'OBJECT'

),

mart as (

    select * from {{ ref('fct_player_csr') }}
    where {{ halo_audited_matches([ref('fct_match_players'), ref('fct_player_csr')]) }}

),

mismatches as (

    select
        coalesce(expected.player_xuid, mart.player_xuid) as player_xuid,
        coalesce(expected.match_id, mart.match_id) as match_id,
        expected.pre_csr as expected_pre_csr,
        mart.pre_csr,
        expected.post_csr as expected_post_csr,
        mart.post_csr,
        expected.landing_seq,
        mart.skill_landing_seq
    from expected
    full outer join mart
        on expected.player_xuid = mart.player_xuid
            and expected.match_id = mart.match_id
    where expected.match_id is null
        or mart.match_id is null
        or expected.pre_csr is distinct from mart.pre_csr
        or expected.post_csr is distinct from mart.post_csr
        or expected.landing_seq is distinct from mart.skill_landing_seq

)

select * from mismatches
