{#-
    Exact division of money. DuckDB turns every division of a DECIMAL into a DOUBLE, and Spark cuts
    a decimal quotient to 6 places when precision runs short, so money is divided on integers: the
    amount as a whole number of 10^-scale units, integer-divided, and turned back into a decimal.
    Amounts must be non-negative and divisors positive; amounts are first rounded to `scale` places.

    - `decimal_units(amount)`: the amount as an integer number of 10^-scale units.
    - `integer_quotient(a, b)` / `integer_remainder(a, b)`: integer division and its remainder.
    - `decimal_from_units(units)`: units back to DECIMAL(38, scale), exactly.
    - `exact_quotient(amount, divisor)`: amount / divisor rounded half up to `scale` places.
-#}

{% macro decimal_units(amount, scale=10) %}
    {{ return(adapter.dispatch('decimal_units', 'aispend')(amount, scale)) }}
{% endmacro %}

{% macro default__decimal_units(amount, scale) %}
    cast(cast({{ amount }} as decimal(38, {{ scale }})) * {{ 10 ** scale }} as hugeint)
{% endmacro %}

{% macro spark__decimal_units(amount, scale) %}
    cast(cast({{ amount }} as decimal(38, {{ scale }})) * {{ 10 ** scale }} as decimal(38, 0))
{% endmacro %}

{% macro integer_quotient(numerator, denominator) %}
    {{ return(adapter.dispatch('integer_quotient', 'aispend')(numerator, denominator)) }}
{% endmacro %}

{% macro default__integer_quotient(numerator, denominator) %}
    (({{ numerator }}) // ({{ denominator }}))
{% endmacro %}

{% macro spark__integer_quotient(numerator, denominator) %}
    (({{ numerator }}) div ({{ denominator }}))
{% endmacro %}

{% macro integer_remainder(numerator, denominator) %}
    mod({{ numerator }}, {{ denominator }})
{% endmacro %}

{% macro decimal_from_units(units, scale=10) %}
    {{ return(adapter.dispatch('decimal_from_units', 'aispend')(units, scale)) }}
{% endmacro %}

{% macro default__decimal_from_units(units, scale) %}
    cast(cast({{ units }} as decimal(38, 0)) * {{ '0.' ~ '0' * (scale - 1) ~ '1' }} as decimal(38, {{ scale }}))
{% endmacro %}

{#- Spark would cut the product's scale to 6, so the decimal is written out as text instead. -#}
{% macro spark__decimal_from_units(units, scale) %}
    cast(
        concat(
            cast(({{ units }}) div {{ 10 ** scale }} as string),
            '.',
            lpad(cast(mod({{ units }}, {{ 10 ** scale }}) as string), {{ scale }}, '0')
        )
        as decimal(38, {{ scale }})
    )
{% endmacro %}

{% macro exact_quotient(amount, divisor, scale=10) %}
    {%- set units = decimal_units(amount, scale) -%}
    {{ decimal_from_units(
        integer_quotient(units, divisor)
        ~ ' + case when 2 * ' ~ integer_remainder(units, divisor) ~ ' >= ' ~ divisor ~ ' then 1 else 0 end',
        scale
    ) }}
{% endmacro %}
