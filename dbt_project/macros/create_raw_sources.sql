{#-
    Registers the raw layer exported by `aispend export-raw` as external Parquet tables, one per dbt
    source table, in the schema and under the name `source()` resolves to. `tables` comes from the
    export's manifest (see orchestration/spark.py): schema, identifier, location, columns with their
    types, partition column. Types are declared rather than inferred because an empty table's folder
    has no file to infer them from. Each table is dropped and created again, so a re-export with a new
    column is read whole; dropping an external table leaves its files alone.
-#}
{%- macro create_raw_sources(tables) -%}
    {{ return(adapter.dispatch('create_raw_sources', 'aispend')(tables)) }}
{%- endmacro -%}

{%- macro default__create_raw_sources(tables) -%}
    {{ exceptions.raise_compiler_error(
        'create_raw_sources registers the exported raw layer on Spark; on ' ~ target.type
        ~ ' dbt reads the raw tables the loader writes'
    ) }}
{%- endmacro -%}

{%- macro spark__create_raw_sources(tables) -%}
    {%- for schema in tables | map(attribute='schema') | unique -%}
        {%- do run_query('create schema if not exists ' ~ schema) -%}
    {%- endfor -%}
    {%- for table in tables -%}
        {%- set relation = table.schema ~ '.' ~ table.identifier -%}
        {%- set columns = [] -%}
        {%- for column in table.columns -%}
            {%- do columns.append('`' ~ column.name ~ '` ' ~ column.type) -%}
        {%- endfor -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
        {%- do run_query(
            'create table ' ~ relation ~ ' (' ~ columns | join(', ') ~ ')'
            ~ ' using parquet partitioned by (`' ~ table.partition_column ~ '`)'
            ~ " location '" ~ table.location ~ "'"
        ) -%}
        {%- do run_query('alter table ' ~ relation ~ ' recover partitions') -%}
        {%- do log('registered ' ~ relation ~ ' from ' ~ table.location, info=true) -%}
    {%- endfor -%}
{%- endmacro -%}
