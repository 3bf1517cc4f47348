{#-
    dbt's `safe_cast` promises NULL for a value that does not convert (BigQuery's `safe_cast`,
    Snowflake's `try_cast`), but dbt-duckdb inherits dbt's default, a plain `cast`, which fails the
    whole model instead, and dbt-spark's is a plain `cast` too, which fails under Spark's ANSI mode
    (on by default since Spark 4). Both engines' `try_cast` keeps the promise. The project's dispatch
    config (dbt_project.yml) puts these ahead of the adapters' own.

    dbt also casts unit-test fixture values with `safe_cast`, so a fixture value that does not convert
    to its column's type becomes NULL rather than an error: write fixture values in the column's own
    type.
-#}
{% macro duckdb__safe_cast(field, type) %}
    try_cast({{ field }} as {{ type }})
{% endmacro %}

{#- As dbt-spark's own, which passes struct, array and map literals unquoted, with `try_cast`. -#}
{% macro spark__safe_cast(field, type) %}
    {%- set field_clean = field.strip('"').strip("'")
        if (cast_from_string_unsupported_for(type) and field is string) else field -%}
    try_cast({{ field_clean }} as {{ type }})
{% endmacro %}
