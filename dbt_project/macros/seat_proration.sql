{#-
    Seat prices are per month; a seat-day costs the monthly price times one over the days of that
    month. 1/28, 1/29, 1/30 and 1/31 have no finite decimal form, and dividing a DECIMAL in DuckDB
    gives a double, so the share of a month one day is comes as a DECIMAL(21, 20) literal, rounded
    to 20 places: times a month's days it is 1 within 2E-19, so a full month of a price below
    100,000,000 still rounds to the price itself at 10 places. Callers round each day to 10 places
    and put the rounding remainder on the last seat-day of the month (see int_seat_days_expanded).
-#}

{#- The number of days (28 to 31) of the month `day` falls in. -#}
{% macro days_in_month(day) %}
    {%- set month_start = dbt.date_trunc('month', day) -%}
    {{ dbt.datediff(month_start, dbt.dateadd('month', 1, month_start), 'day') }}
{% endmacro %}

{#- One day's share of a month of `days_in_month` days, as DECIMAL(21, 20). -#}
{% macro day_share_of_month(days_in_month) %}
    case {{ days_in_month }}
        when 28 then cast(0.03571428571428571429 as decimal(21, 20))
        when 29 then cast(0.03448275862068965517 as decimal(21, 20))
        when 30 then cast(0.03333333333333333333 as decimal(21, 20))
        when 31 then cast(0.03225806451612903226 as decimal(21, 20))
    end
{% endmacro %}
