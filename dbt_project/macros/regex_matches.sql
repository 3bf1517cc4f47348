{#- True when `expression` contains a match of `pattern` (RE2 on DuckDB, Java regex on Spark). -#}
{% macro regex_matches(expression, pattern) %}
    {{ return(adapter.dispatch('regex_matches', 'aispend')(expression, pattern)) }}
{% endmacro %}

{% macro default__regex_matches(expression, pattern) %}
    regexp_matches({{ expression }}, {{ pattern }})
{% endmacro %}

{% macro spark__regex_matches(expression, pattern) %}
    ({{ expression }} rlike {{ pattern }})
{% endmacro %}
