-- One row per problem of a citation_definitions row (docs/domain/player_progress.md).
with

definitions as (

    select
        *,
        {{ citation_levels('levels') }} as level_targets
    from {{ ref('citation_definitions') }}

),

medals as (

    select distinct medal_name_id from {{ ref('stg_halo__medal_metadata') }}
    where medal_name_id is not null

),

awards as (

    select personal_score_name_id from {{ ref('personal_score_names') }}

),

stat_columns as (

    select
        unnest([
            {%- for column in citation_stat_columns() %}
            '{{ column }}'{{ "," if not loop.last }}
            {%- endfor %}
        ]) as stat_column

),

-- Known medals = the landed medal metadata; before any metadata lands, nothing to check.
metadata_landed as (

    select count(*) > 0 as has_medal_metadata from medals

),

checked as (

    select
        definitions.*,
        medals.medal_name_id is not null as is_known_medal,
        awards.personal_score_name_id is not null as is_known_award,
        stat_columns.stat_column is not null as is_known_stat,
        metadata_landed.has_medal_metadata
    from definitions
    cross join metadata_landed
    left join medals on definitions.medal_name_id = medals.medal_name_id
    left join awards on definitions.personal_score_name_id = awards.personal_score_name_id
    left join stat_columns on definitions.stat_column = stat_columns.stat_column

),

levels as (

    select
        citation_id,
        target,
        max(target) over (
            partition by citation_id order by level_number
            rows between unbounded preceding and 1 preceding
        ) as highest_before
    from (
        select
            citation_id,
            {{ halo_unnest_with_position('level_targets', 'target', 'level_number') }}
        from definitions
    ) as targets

),

bad_levels as (

    select distinct citation_id from levels
    where target is null or target <= 0 or target <= highest_before

    union

    select citation_id from definitions
    where level_targets is null or len(level_targets) = 0

),

problems as (

    select
        citation_id,
        'citation_id is not lower-case letters, digits and underscores' as problem
    from checked
    where not regexp_full_match(citation_id, '[a-z0-9_]+')

    union all

    select
        citation_id,
        'kind ' || kind || ' needs exactly its own field' as problem
    from checked
    where
        (kind = 'medal') != (medal_name_id is not null)
        or (kind = 'award') != (personal_score_name_id is not null)
        or (kind = 'stat') != (stat_column is not null)

    union all

    select
        citation_id,
        'unknown medal NameId ' || medal_name_id as problem
    from checked
    where kind = 'medal' and has_medal_metadata and not is_known_medal

    union all

    select
        citation_id,
        'unknown personal-score award NameId ' || personal_score_name_id as problem
    from checked
    where kind = 'award' and not is_known_award

    union all

    select
        citation_id,
        'unknown stat column ' || stat_column as problem
    from checked
    where kind = 'stat' and not is_known_stat

    union all

    select
        citation_id,
        'levels must be ascending positive integers separated by |' as problem
    from bad_levels

),

final as (

    select
        citation_id,
        problem
    from problems

)

select * from final
