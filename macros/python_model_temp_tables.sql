{#-
    Incremental Python models: have dbt-duckdb drop the table that holds a run's new rows.

    Why: dbt-duckdb 1.11.1's incremental materialization writes the rows of an incremental run to
    make_temp_relation(this) (`<model>__dbt_tmp<timestamp>`, no schema), then merges them
    (delete+insert) and drops only the relations that duckdb__dispatch_temporary_relation reports
    as `temporary: false`. On a local DuckDB file it reports `temporary: true`, right for a SQL
    model (`create temp table`: gone with the connection) but not for a Python one: py_write_table
    ignores `temporary` and runs a plain `create table` (on a separate cursor, which could not see
    a temp table of the model's connection anyway). So every incremental run of every Python model
    (int_film_chunk_decodes, fct_player_match_sessions, fct_performance_scores) left a real table
    in `main` holding that run's rows.

    This override (a root-project macro shadows the adapter's one of the same name) returns the
    adapter's relation unchanged with `temporary: false` for Python models only, so the
    materialization drops it after its commit. It also drops the model's own leftovers from
    earlier builds (made before this fix, or by a run killed between the write and the drop).
    SQL models and snapshots get exactly the adapter's answer.
-#}
{% macro duckdb__dispatch_temporary_relation(target_relation, batch_id='') %}
    {%- set dispatched = dbt.duckdb__dispatch_temporary_relation(target_relation, batch_id) -%}
    {%- if model.get('language') != 'python' or not dispatched['temporary'] -%}
        {{- return(dispatched) -}}
    {%- endif -%}
    {%- do halo_drop_python_temp_leftovers(target_relation) -%}
    {{- return({'relation': dispatched['relation'], 'temporary': false}) -}}
{% endmacro %}


{#- Drop `<identifier>__dbt_tmp*` tables of this model left in the default schema by earlier builds. -#}
{% macro halo_drop_python_temp_leftovers(target_relation) %}
    {%- set prefix = target_relation.identifier ~ '__dbt_tmp' -%}
    {%- call statement('halo_python_temp_leftovers', fetch_result=True, auto_begin=False) -%}
        select database_name, schema_name, table_name
        from duckdb_tables()
        where not temporary
            and database_name = current_database()
            and schema_name = current_schema()
            and starts_with(table_name, '{{ prefix }}')
    {%- endcall -%}
    {%- for row in load_result('halo_python_temp_leftovers')['table'] -%}
        {%- set leftover = api.Relation.create(
            database=row[0], schema=row[1], identifier=row[2], type='table') -%}
        {%- do log('dropping ' ~ leftover ~ ', left behind by an earlier build', info=true) -%}
        {%- do adapter.drop_relation(leftover) -%}
    {%- endfor -%}
{% endmacro %}
