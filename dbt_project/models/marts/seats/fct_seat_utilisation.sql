{#-
    Seat utilisation per month, tool and team, as of the month's last day with seat data: the
    seats that exist that day, how many were used in the 28 days ending that day, and what the
    idle ones cost a month. One day of the month stands for the month, so a seat that idled in
    mid-month but was used again by its end counts as active, and the newest (possibly partial)
    month is as of its newest day.
-#}
with

seat_days as (

    select * from {{ ref('fct_seat_days') }}

),

month_ends as (

    select
        seat_month_start,
        max(seat_date) as as_of_date,
        count(distinct seat_date) as days_with_data
    from seat_days
    group by seat_month_start

),

as_of_seats as (

    select
        seat_days.seat_month_start,
        seat_days.tool_id,
        seat_days.team_id,
        seat_days.currency,
        seat_days.is_active_28d,
        seat_days.monthly_price,
        month_ends.as_of_date,
        month_ends.days_with_data
    from seat_days
    inner join month_ends
        on
            seat_days.seat_month_start = month_ends.seat_month_start
            and seat_days.seat_date = month_ends.as_of_date

),

counted as (

    select
        seat_month_start as seat_month,
        tool_id,
        team_id,
        currency,
        as_of_date,
        days_with_data,
        count(*) as seats_assigned,
        sum(case when is_active_28d then 1 else 0 end) as seats_active_28d,
        sum(case when is_active_28d then 0 else 1 end) as seats_idle,
        sum(case when is_active_28d then 0 else monthly_price end) as idle_monthly_cost,
        sum(monthly_price) as seat_monthly_cost
    from as_of_seats
    group by seat_month_start, tool_id, team_id, currency, as_of_date, days_with_data

),

final as (

    select
        {{ dbt.concat([
            "cast(seat_month as " ~ dbt.type_string() ~ ")", "'|'", "tool_id", "'|'", "team_id",
            "'|'", "currency",
        ]) }} as seat_utilisation_id,
        seat_month,
        tool_id,
        team_id,
        as_of_date,
        cast(days_with_data as bigint) as days_with_data,
        cast(seats_assigned as bigint) as seats_assigned,
        cast(seats_active_28d as bigint) as seats_active_28d,
        cast(seats_idle as bigint) as seats_idle,
        cast(seats_idle as double) / cast(seats_assigned as double) as idle_share,
        cast(idle_monthly_cost as decimal(38, 10)) as idle_monthly_cost,
        cast(seat_monthly_cost as decimal(38, 10)) as seat_monthly_cost,
        currency
    from counted

)

select * from final
