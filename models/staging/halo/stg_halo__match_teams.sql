-- One row per Teams[] entry of a /stats payload (none when TeamsEnabled is false).
with

source as (

    select * from {{ source('halo', 'match_stats') }}
    {{ halo_landed_since_last_build() }}

),

unpacked as (

    select
        match_id,
        json_transform(payload, {{ halo_json_spec(halo_match_teams_spec()) }}).Teams as teams,
        fetched_at,
        landing_seq
    from source

),

teams as (

    select
        unpacked.match_id,
        unpacked.fetched_at,
        unpacked.landing_seq,
        {{ halo_unnest_with_position('unpacked.teams', 'team', 'team_index') }}
    from unpacked

),

final as (

    select
        teams.match_id,
        cast(team_index as integer) as team_index,
        team.TeamId as team_id,
        team.Outcome as outcome,
        team.Rank as rank,
        {{ halo_stats_columns('team.Stats') }},
        teams.fetched_at,
        teams.landing_seq
    from teams

)

select * from final
