-- Read from the raw skill JSON with its own paths (not the staging spec), per tracked player.
with

tracked as (

    select xuid from {{ source('halo', 'tracked_players') }}

),

answers as (

    select
        skill.match_id,
        skill.landing_seq,
        regexp_extract(answer_rows.answer ->> 'Id', '^xuid\((\d{16})\)$', 1) as xuid,
        cast(answer_rows.answer ->> 'ResultCode' as integer) as result_code,
        answer_rows.answer -> 'Result' -> 'RankRecap' as recap
    from {{ source('halo', 'match_skill') }} as skill,
        unnest(cast(skill.payload -> 'Value' as json[])) as answer_rows (answer)

),

expected as (

    select
        answers.xuid as player_xuid,
        answers.match_id,
        answers.landing_seq,
        nullif(cast(answers.recap -> 'PreMatchCsr' ->> 'Value' as integer), -1) as pre_csr,
        nullif(cast(answers.recap -> 'PostMatchCsr' ->> 'Value' as integer), -1) as post_csr
    from answers
    inner join tracked on answers.xuid = tracked.xuid
    inner join {{ ref('dim_matches') }} as matches on answers.match_id = matches.match_id
    where matches.is_ranked
        and answers.result_code = 0
        and answers.recap is not null
        and json_type(answers.recap) = 'OBJECT'

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
    full outer join {{ ref('fct_player_csr') }} as mart
        on expected.player_xuid = mart.player_xuid
            and expected.match_id = mart.match_id
    where expected.match_id is null
        or mart.match_id is null
        or expected.pre_csr is distinct from mart.pre_csr
        or expected.post_csr is distinct from mart.post_csr
        or expected.landing_seq is distinct from mart.skill_landing_seq

)

select * from mismatches
