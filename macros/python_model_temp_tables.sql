{#- dbt-duckdb 1.11.1 leaves a table behind after every incremental run of a Python model (it
    reports the run's temporary relation as temporary, but py_write_table creates a real table):
    this override makes the materialization drop it (documented in macros/_macros.yml). -#}
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
