-- Incremental on data: every (player, citation) row is recomputed (a few thousand rows) and only
-- the rows whose content changed are written: input_fingerprint hashes every column.
with

definitions as (

    select
        citation_id,
        display_name,
        category,
        kind,
        {{ citation_levels('levels') }} as levels
    from {{ ref('citation_definitions') }}

),

players as (

    select distinct player_xuid from {{ ref('prep_player_match_inputs') }}

),

match_citations as (

    select
        player_xuid,
        match_id,
        citation_id,
        value
    from {{ ref('fct_match_citations') }}

),

match_sessions as (

    select
        player_xuid,
        match_id,
        session_id,
        start_time
    from {{ ref('fct_player_match_sessions') }}

),

latest_sessions as (

    select
        player_xuid,
        session_id as last_session_id
    from match_sessions
    qualify row_number() over (partition by player_xuid order by start_time desc, match_id desc) = 1

),

totals as (

    select
        match_citations.player_xuid,
        match_citations.citation_id,
        cast(sum(match_citations.value) as bigint) as total,
        count(*) as match_count,
        cast(coalesce(
            sum(match_citations.value) filter (
                where match_sessions.session_id = latest_sessions.last_session_id
            ),
            0
        ) as bigint) as last_session_gain
    from match_citations
    left join match_sessions
        on match_citations.player_xuid = match_sessions.player_xuid
            and match_citations.match_id = match_sessions.match_id
    left join latest_sessions on match_citations.player_xuid = latest_sessions.player_xuid
    group by match_citations.player_xuid, match_citations.citation_id

),

thresholds as (

    select
        citation_id,
        {{ halo_unnest_with_position('levels', 'target', 'level_number') }}
    from definitions

),

board as (

    select
        players.player_xuid,
        definitions.citation_id,
        definitions.display_name,
        definitions.category,
        definitions.kind,
        definitions.levels,
        coalesce(totals.total, 0) as total,
        coalesce(totals.match_count, 0) as match_count,
        latest_sessions.last_session_id,
        coalesce(totals.last_session_gain, 0) as last_session_gain
    from players
    cross join definitions
    left join totals
        on players.player_xuid = totals.player_xuid
            and definitions.citation_id = totals.citation_id
    left join latest_sessions on players.player_xuid = latest_sessions.player_xuid

),

levels_reached as (

    select
        board.player_xuid,
        board.citation_id,
        count(thresholds.target) filter (where thresholds.target <= board.total) as level,
        min(thresholds.target) filter (where thresholds.target > board.total) as next_target
    from board
    left join thresholds on board.citation_id = thresholds.citation_id
    group by board.player_xuid, board.citation_id

),

scored as (

    select
        board.player_xuid,
        board.citation_id,
        board.display_name,
        board.category,
        board.kind,
        board.total,
        levels_reached.level,
        len(board.levels) as level_count,
        levels_reached.next_target,
        cast(case
            when levels_reached.next_target is null then 100.0
            else round(100.0 * board.total / levels_reached.next_target, 1)
        end as double) as progress_pct,
        board.match_count,
        board.last_session_id,
        board.last_session_gain
    from board
    inner join levels_reached
        on board.player_xuid = levels_reached.player_xuid
            and board.citation_id = levels_reached.citation_id

),

fingerprinted as (

    select
        *,
        md5(cast(to_json({
            'display_name': display_name,
            'category': category,
            'kind': kind,
            'total': total,
            'level': level,
            'level_count': level_count,
            'next_target': next_target,
            'progress_pct': progress_pct,
            'match_count': match_count,
            'last_session_id': last_session_id,
            'last_session_gain': last_session_gain
        }) as varchar)) as input_fingerprint
    from scored

),

citations_to_build as (

    {{ halo_keys_to_build('fingerprinted', ['player_xuid', 'citation_id'], ['input_fingerprint']) }}

),

final as (

    select
        player_xuid,
        citation_id,
        display_name,
        category,
        kind,
        total,
        level,
        level_count,
        next_target,
        progress_pct,
        match_count,
        last_session_id,
        last_session_gain,
        input_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id
    from citations_to_build

)

select * from final
