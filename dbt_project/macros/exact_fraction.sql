{#-
    `exact_fraction(amount, numerator, denominator)`: amount * numerator / denominator as
    DECIMAL(38, scale), computed on integer units like `exact_quotient` (see exact_division.sql), so
    it is exact on DuckDB and Spark alike, and rounded once, half away from zero. Unlike
    `exact_quotient`, the amount may be negative, and it is multiplied before it is divided, so a
    daily run rate times the days left in a month is rounded once, not twice. `numerator` must be a
    non-negative integer expression and `denominator` a positive one.
-#}

{% macro exact_fraction(amount, numerator, denominator, scale=10) %}
    {%- set units = decimal_units(amount, scale) -%}
    {%- set magnitude = '(case when ' ~ units ~ ' < 0 then -(' ~ units ~ ') else ' ~ units ~ ' end) * ('
        ~ numerator ~ ')' -%}
    {%- set rounded = decimal_from_units(
        integer_quotient(magnitude, denominator)
        ~ ' + case when 2 * ' ~ integer_remainder(magnitude, denominator) ~ ' >= (' ~ denominator
        ~ ') then 1 else 0 end',
        scale
    ) -%}
    (case when {{ units }} < 0 then -({{ rounded }}) else {{ rounded }} end)
{% endmacro %}
