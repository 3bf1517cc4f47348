{#-
    dbt's `dateadd` on Spark (dbt-spark's) adds through Unix seconds, cut to whole seconds, so an
    epoch with microseconds lost them. Spark's own `timestampadd` keeps them, and clamps to a month's
    end as DuckDB does. The project's dispatch config (dbt_project.yml) puts this ahead of dbt-spark's;
    on DuckDB dbt's own macro runs unchanged.
-#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) %}
    timestampadd({{ datepart }}, cast({{ interval }} as bigint), cast({{ from_date_or_timestamp }} as timestamp))
{% endmacro %}
