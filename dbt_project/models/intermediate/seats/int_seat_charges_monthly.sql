{#-
    One row per seat per month (and currency), shaped to become a FOCUS charge: the seat-days the
    seat existed that month and their cost, which for a whole month is exactly the monthly price.
    The holder, person and team are those of the month's last seat-day (a person who moved team
    mid-month is charged to the team they ended the month in); the source file, row and load are
    those of the listing that day's seat came from, one representative of the month's listings.
-#}
{%- set string_type = dbt.type_string() -%}
with

expanded as (

    select * from {{ ref('int_seat_days_expanded') }}

),

tools as (

    select * from {{ ref('int_reference_tools_deduplicated') }}

),

monthly as (

    select
        seat_id,
        seat_month_start,
        currency,
        count(*) as seat_days,
        sum(case when is_active_28d then 1 else 0 end) as active_seat_days,
        count(distinct snapshot_date) as snapshot_count,
        min(seat_date) as first_seat_date,
        max(seat_date) as last_seat_date,
        sum(daily_cost) as billed_cost
    from expanded
    group by seat_id, seat_month_start, currency

),

month_end as (

    select * from expanded
    where is_last_seat_day_of_month

),

final as (

    select
        {{ dbt.concat([
            "monthly.seat_id",
            "'|'", "cast(monthly.seat_month_start as " ~ string_type ~ ")",
            "'|'", "coalesce(monthly.currency, '')",
        ]) }} as seat_charge_id,
        monthly.seat_month_start as charge_month_start,
        cast({{ dbt.dateadd('month', 1, 'monthly.seat_month_start') }} as date) as charge_month_end,
        monthly.seat_id,
        month_end.tool_id,
        tools.vendor,
        tools.tool_name,
        tools.category,
        month_end.listing_source,
        month_end.listing_scope,
        month_end.holder_id,
        month_end.holder_id_type,
        month_end.person_id,
        month_end.is_holder_resolved,
        month_end.team_id,
        month_end.is_active_28d as is_active_at_month_end,
        monthly.first_seat_date,
        monthly.last_seat_date,
        cast(monthly.seat_days as bigint) as seat_days,
        cast(monthly.active_seat_days as bigint) as active_seat_days,
        month_end.monthly_price,
        cast(monthly.billed_cost as decimal(38, 10)) as billed_cost,
        monthly.currency,
        cast(monthly.snapshot_count as bigint) as snapshot_count,
        month_end.snapshot_date as last_snapshot_date,
        month_end.source_file,
        month_end.source_row_number,
        month_end.load_id
    from monthly
    inner join month_end
        on
            monthly.seat_id = month_end.seat_id
            and monthly.seat_month_start = month_end.seat_month_start
            and {{ null_safe_equal('monthly.currency', 'month_end.currency') }}
    left join tools on month_end.tool_id = tools.tool_id

)

select * from final
