{#-
    Large facts are rebuilt one day at a time: an incremental run recomputes every day that received
    new raw rows since the last run, from all raw rows of that day, so restated and late data land
    correctly and the cost follows the new data, not the history.
-#}

{%- macro day_partition_strategy() -%}
    {{ return(adapter.dispatch('day_partition_strategy', 'aispend')()) }}
{%- endmacro -%}

{%- macro default__day_partition_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro -%}

{%- macro spark__day_partition_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro -%}

{#- Spark overwrites whole partitions, so it needs the table partitioned by day; DuckDB does not. -#}
{%- macro day_partitions(day_column) -%}
    {{ return(adapter.dispatch('day_partitions', 'aispend')(day_column)) }}
{%- endmacro -%}

{%- macro default__day_partitions(day_column) -%}
    {{ return(none) }}
{%- endmacro -%}

{%- macro spark__day_partitions(day_column) -%}
    {{ return([day_column]) }}
{%- endmacro -%}

{#-
    Days holding rows of `relation` loaded after the newest load this model has seen (the largest
    `seen_column` of its table; every load when the table is empty), and every day of the rebuild
    window (see `in_rebuild_window`).
-#}
{%- macro days_with_new_rows(relation, day_column, loaded_at_column='_loaded_at', seen_column='last_loaded_at') -%}
    select distinct {{ day_column }}
    from {{ relation }}
    where
        {{ loaded_at_column }} > {{ newest_seen(seen_column) }}
        {{ in_rebuild_window(day_column) }}
{%- endmacro -%}

{#-
    The largest `column` of this model's table (1900-01-01 when it is empty), written out as a
    timestamp: read when the model runs, so a filter on a load time skips the raw tables' row groups
    loaded before it, where a subquery would have every row read.
-#}
{%- macro newest_seen(column) -%}
    {%- set newest = run_query('select max(' ~ column ~ ') from ' ~ this).columns[0].values()[0] if execute else none -%}
    cast('{{ newest if newest is not none else "1900-01-01" }}' as timestamp)
{%- endmacro -%}

{#-
    `<day_column> in (<the days the query returns>)`, the days written out: a constant list reaches
    the raw table through the deduplication views' rankings (they rank within a day), where a
    subquery would be joined only after ranking every row. The query runs when the model runs.
-#}
{%- macro day_in(days_query, day_column) -%}
    {%- set days = run_query(days_query).columns[0].values() if execute else [] -%}
    {{ day_column }} in (
        {%- for day in days -%}
            cast('{{ day }}' as date){{ ', ' if not loop.last }}
        {%- else -%}
            null
        {%- endfor -%}
    )
{%- endmacro -%}

{#-
    `or <day> in the window` when a run is asked to rebuild days whatever was loaded: Dagster's
    daily partitions and their backfills pass `--vars '{rebuild_from: 2026-06-01, rebuild_to:
    2026-06-30}'` (inclusive dates). Empty otherwise.
-#}
{%- macro in_rebuild_window(day_column) -%}
    {%- set rebuild_from = var('rebuild_from', none) -%}
    {%- set rebuild_to = var('rebuild_to', none) -%}
    {%- if rebuild_from is not none and rebuild_to is not none -%}
        or {{ day_column }} between cast('{{ rebuild_from }}' as date) and cast('{{ rebuild_to }}' as date)
    {%- endif -%}
{%- endmacro -%}

{#-
    The newest `_loaded_at` of the reference tables a mart's rows depend on (owners, teams, tools),
    as `reference_loaded_at`: a newer reference file restates history, so the mart rebuilds every day.
-#}
{%- macro newest_reference_load(relations) -%}
    select max(_loaded_at) as reference_loaded_at
    from (
        {%- for relation in relations %}
        select _loaded_at from {{ relation }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as loads
{%- endmacro -%}

{#-
    The database of an intermediate model kept between builds because it is rebuilt by day: on
    DuckDB the warehouse (the other intermediate tables go to the build's scratch database, removed
    once a build passed; see dbt_project.yml); elsewhere the adapter's default.
-#}
{%- macro kept_between_builds() -%}
    {{ return(target.database if target.type == 'duckdb' else none) }}
{%- endmacro -%}

{#-
    The materialization of a model kept between builds and updated by key (delete+insert): DuckDB
    deletes the rows it replaces; Spark's Parquet tables cannot, so there the model is a table
    rebuilt whole.
-#}
{%- macro updated_by_key() -%}
    {{ return('incremental' if target.type == 'duckdb' else 'table') }}
{%- endmacro -%}

{#-
    Intermediate models were views in the warehouse before they became build tables: a warehouse
    built then keeps no stale copy of them. The warehouse's intermediate tables (kept between builds)
    stay.
-#}
{%- macro drop_intermediate_views() -%}
    {%- if target.type == 'duckdb' and execute -%}
        {%- set views = run_query(
            "select view_name from duckdb_views() where not internal and database_name = '"
            ~ target.database ~ "' and schema_name = 'intermediate'"
        ) -%}
        {%- for view_name in views.columns[0].values() -%}
            {%- do run_query('drop view ' ~ target.database ~ '.intermediate.' ~ view_name) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro -%}

{#-
    When the dbt invocation writing a row started, as `_built_at` (`built_at` in marts): a model
    kept between builds finds the rows of its inputs (re)built since its own last build by it.
-#}
{%- macro build_started_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro -%}
