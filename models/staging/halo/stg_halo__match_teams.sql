-- One row per Teams[] entry of a /stats payload (none when TeamsEnabled is false).
with

source as (

    select * from {{ source('halo', 'match_stats') }}

),

unpacked as (

    select
        match_id,
        json_transform(payload, {{ halo_json_spec(halo_match_teams_spec()) }}).Teams as teams,
        fetched_at
    from source

),

teams as (

    select
        unpacked.match_id,
        unpacked.fetched_at,
        team_rows.team,
        team_rows.team_index
    from unpacked
    cross join unnest(unpacked.teams) with ordinality as team_rows(team, team_index)

),

final as (

    select
        match_id,
        cast(team_index as integer) as team_index,
        team.TeamId as team_id,
        team.Outcome as outcome,
        team.Rank as rank,
        {{ halo_stats_columns('team.Stats') }},
        fetched_at
    from teams

)

select * from final
