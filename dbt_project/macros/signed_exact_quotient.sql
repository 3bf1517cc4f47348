{#-
    `signed_exact_quotient(amount, divisor)`: exact_quotient (macros/exact_division.sql) for an amount
    that may be negative, such as a margin: the absolute amount is divided exactly and the sign put
    back, so halves round away from zero (-0.00000000005 / 1 = -0.0000000001). The divisor must be
    positive. Portable: it is built only from the dispatched exact-division macros.
-#}

{% macro signed_exact_quotient(amount, divisor, scale=10) %}
    case
        when ({{ amount }}) < 0
            then -({{ exact_quotient('-(' ~ amount ~ ')', divisor, scale) }})
        else {{ exact_quotient(amount, divisor, scale) }}
    end
{% endmacro %}
