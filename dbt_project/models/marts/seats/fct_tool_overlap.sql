{#-
    People paying for more than one tool of the same category (Copilot and Cursor are both coding
    assistants), per month, as of the month's last day with seat data (as fct_seat_utilisation):
    a person who switched tools in mid-month and dropped the old seat is not counted. Holders no
    person resolves to are left out: without a person, seats of two tools cannot be matched.
-#}
with

seat_days as (

    select * from {{ ref('fct_seat_days') }}

),

tools as (

    select * from {{ ref('dim_tools') }}

),

month_ends as (

    select
        seat_month_start,
        max(seat_date) as as_of_date
    from seat_days
    group by seat_month_start

),

as_of_seats as (

    select
        seat_days.seat_month_start,
        month_ends.as_of_date,
        seat_days.person_id,
        seat_days.team_id,
        tools.category,
        seat_days.tool_id,
        seat_days.currency,
        seat_days.monthly_price
    from seat_days
    inner join month_ends
        on
            seat_days.seat_month_start = month_ends.seat_month_start
            and seat_days.seat_date = month_ends.as_of_date
    inner join tools on seat_days.tool_id = tools.tool_id
    where seat_days.person_id is not null

),

person_tools as (

    select
        seat_month_start,
        as_of_date,
        person_id,
        category,
        currency,
        tool_id,
        min(team_id) as team_id,
        count(*) as seat_count,
        sum(monthly_price) as tool_monthly_cost,
        min(monthly_price) as cheapest_seat_monthly_price
    from as_of_seats
    group by seat_month_start, as_of_date, person_id, category, currency, tool_id

),

person_categories as (

    select
        seat_month_start,
        as_of_date,
        person_id,
        category,
        currency,
        min(team_id) as team_id,
        count(*) as tool_count,
        sum(seat_count) as seat_count,
        {{ sorted_string_agg('tool_id', "','") }} as tool_ids,
        sum(tool_monthly_cost) as category_monthly_cost,
        min(cheapest_seat_monthly_price) as cheapest_seat_monthly_price
    from person_tools
    group by seat_month_start, as_of_date, person_id, category, currency

),

final as (

    select
        {{ dbt.concat([
            "cast(seat_month_start as " ~ dbt.type_string() ~ ")", "'|'", "person_id", "'|'", "category",
            "'|'", "currency",
        ]) }} as tool_overlap_id,
        seat_month_start as seat_month,
        as_of_date,
        person_id,
        team_id,
        category,
        cast(tool_count as bigint) as tool_count,
        cast(seat_count as bigint) as seat_count,
        tool_ids,
        cast(category_monthly_cost as decimal(38, 10)) as category_monthly_cost,
        cast(cheapest_seat_monthly_price as decimal(38, 10)) as cheapest_seat_monthly_price,
        cast(category_monthly_cost - cheapest_seat_monthly_price as decimal(38, 10))
            as extra_seat_monthly_cost,
        currency
    from person_categories
    where tool_count > 1

)

select * from final
