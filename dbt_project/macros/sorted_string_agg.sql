{#-
    The values of a group as one string, sorted ascending and joined by `delimiter` (a SQL string
    literal, e.g. "','"), so the same set always gives the same text. NULLs are left out. Feed it
    distinct values (aggregate to one row per value first) when duplicates must not repeat.
-#}
{% macro sorted_string_agg(expression, delimiter) %}
    {{ return(adapter.dispatch('sorted_string_agg', 'aispend')(expression, delimiter)) }}
{% endmacro %}

{% macro default__sorted_string_agg(expression, delimiter) %}
    string_agg({{ expression }}, {{ delimiter }} order by {{ expression }})
{% endmacro %}

{#- collect_list keeps no order, so the list is sorted before it is joined. -#}
{% macro spark__sorted_string_agg(expression, delimiter) %}
    array_join(array_sort(collect_list({{ expression }})), {{ delimiter }})
{% endmacro %}
