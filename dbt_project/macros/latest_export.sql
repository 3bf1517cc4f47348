{#-
    Latest export wins. Vendors re-send data: usage buckets grow through the day, a CUR billing
    period is re-delivered until the month closes. Within each restatement unit (the columns in
    `unit`, e.g. a bucket's start time, or a billing period), keep only the rows of the newest load
    that delivered that unit; older loads stay in the raw layer, traceable by load_id.

    `relation` must expose `_loaded_at`. NULLs in the unit compare equal (a NULL project id is a
    group of its own, not "unknown").
-#}
{% macro latest_export(relation, unit) %}
    select restated.*
    from {{ relation }} as restated
    inner join (
        select
            {% for column in unit %}{{ column }},{% endfor %}
            max(_loaded_at) as latest_loaded_at
        from {{ relation }}
        group by {{ unit | join(', ') }}
    ) as newest
        on restated._loaded_at = newest.latest_loaded_at
        {% for column in unit %}
            and {{ null_safe_equal('restated.' ~ column, 'newest.' ~ column) }}
        {% endfor %}
{% endmacro %}

{% macro null_safe_equal(left, right) %}
    {{ return(adapter.dispatch('null_safe_equal', 'aispend')(left, right)) }}
{% endmacro %}

{% macro default__null_safe_equal(left, right) %}
    {{ left }} is not distinct from {{ right }}
{% endmacro %}

{% macro spark__null_safe_equal(left, right) %}
    {{ left }} <=> {{ right }}
{% endmacro %}
