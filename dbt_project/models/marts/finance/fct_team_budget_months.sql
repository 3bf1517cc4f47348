{#-
    Budget, actual and a month-end forecast per team, month and currency; the method is documented in
    _finance__budgets.yml. Actual is every AI dollar of the ledger, seat licences included, in the
    month its charge period starts; the forecast extrapolates only usage charges, at the mean daily
    usage spend of the last days with data.
-#}
{%- set window_days = var('budget_forecast_window_days', 7) -%}
-- FOCUS's own PascalCase column names from the ledger.
-- noqa: disable=CP02
with

ledger as (

    select * from {{ ref('focus_cost_and_usage') }}

),

budgets as (

    select * from {{ ref('int_reference_budgets_deduplicated') }}

),

ai_charges as (

    select
        x_TeamId as team_id,
        BillingCurrency as currency,
        cast(ChargePeriodStart as date) as charge_date,
        ChargeCategory = 'Usage' as is_usage,
        BilledCost as billed_cost
    from ledger
    where x_IsAiSpend

),

-- The ledger's usage horizon: usage accrues daily, so its first and newest day bound the data.
data_window as (

    select
        coalesce(
            min(case when is_usage then charge_date end), min(charge_date)
        ) as data_start_date,
        coalesce(
            max(case when is_usage then charge_date end), max(charge_date)
        ) as as_of_date
    from ai_charges

),

monthly_charges as (

    select
        team_id,
        currency,
        cast({{ dbt.date_trunc('month', 'charge_date') }} as date) as budget_month,
        sum(billed_cost) as actual_billed_cost,
        sum(case when is_usage then billed_cost else 0 end) as usage_billed_cost
    from ai_charges
    group by
        team_id,
        currency,
        cast({{ dbt.date_trunc('month', 'charge_date') }} as date)

),

month_range as (

    select
        min(budget_month) as first_month,
        max(budget_month) as last_month
    from monthly_charges

),

budgets_in_range as (

    select
        budgets.team_id,
        budgets.budget_month,
        budgets.currency as budget_currency,
        budgets.budget_amount
    from budgets
    inner join month_range
        on budgets.budget_month between month_range.first_month and month_range.last_month

),

team_months as (

    select
        team_id,
        currency,
        budget_month
    from monthly_charges

    union

    select
        team_id,
        budget_currency as currency,
        budget_month
    from budgets_in_range

),

-- Usage per team and currency in the run-rate window: the last days up to the as-of day.
window_usage as (

    select
        ai_charges.team_id,
        ai_charges.currency,
        sum(ai_charges.billed_cost) as window_usage_cost
    from ai_charges
    cross join data_window
    where
        ai_charges.is_usage
        and ai_charges.charge_date > {{ dbt.dateadd('day', -window_days, 'data_window.as_of_date') }}
        and ai_charges.charge_date <= data_window.as_of_date
    group by ai_charges.team_id, ai_charges.currency

),

calendar as (

    select
        team_months.team_id,
        team_months.currency,
        team_months.budget_month,
        data_window.as_of_date,
        {{ dbt.datediff(
            'team_months.budget_month',
            dbt.dateadd('month', 1, 'team_months.budget_month'),
            'day'
        ) }} as days_in_month,
        {{ dbt.datediff(
            'team_months.budget_month',
            'data_window.as_of_date',
            'day'
        ) }} + 1 as days_to_as_of,
        -- Days of the month before the data starts (negative once it has started).
        {{ dbt.datediff(
            'team_months.budget_month',
            'data_window.data_start_date',
            'day'
        ) }} as days_before_data,
        {{ dbt.datediff(
            'greatest(data_window.data_start_date, cast('
                ~ dbt.dateadd('day', 1 - window_days, 'data_window.as_of_date') ~ ' as date))',
            'data_window.as_of_date',
            'day'
        ) }} + 1 as run_rate_days
    from team_months
    cross join data_window

),

-- Days of the month up to the as-of day, and of those the days on or after the data's start.
month_days as (

    select
        *,
        greatest(0, least(days_in_month, days_to_as_of)) as days_elapsed,
        greatest(
            0, least(days_in_month, days_to_as_of) - greatest(0, days_before_data)
        ) as days_with_data
    from calendar

),

joined as (

    select
        month_days.team_id,
        month_days.budget_month,
        month_days.currency,
        budgets_in_range.budget_currency,
        case
            when budgets_in_range.budget_currency = month_days.currency then budgets_in_range.budget_amount
        end as budget_amount,
        coalesce(budgets_in_range.budget_currency = month_days.currency, false) as is_budget_comparable,
        cast(coalesce(monthly_charges.actual_billed_cost, 0) as decimal(38, 10)) as actual_billed_cost,
        cast(coalesce(monthly_charges.usage_billed_cost, 0) as decimal(38, 10)) as usage_billed_cost,
        month_days.days_in_month,
        month_days.days_with_data,
        month_days.days_in_month - month_days.days_elapsed as days_remaining,
        month_days.as_of_date,
        month_days.run_rate_days,
        cast(coalesce(window_usage.window_usage_cost, 0) as decimal(38, 10)) as window_usage_cost
    from month_days
    left join monthly_charges
        on
            month_days.team_id = monthly_charges.team_id
            and month_days.currency = monthly_charges.currency
            and month_days.budget_month = monthly_charges.budget_month
    left join budgets_in_range
        on
            month_days.team_id = budgets_in_range.team_id
            and month_days.budget_month = budgets_in_range.budget_month
    left join window_usage
        on
            month_days.team_id = window_usage.team_id
            and month_days.currency = window_usage.currency

),

forecasts as (

    select
        *,
        case
            when days_remaining > 0
                then {{ exact_fraction('window_usage_cost', '1', 'run_rate_days') }}
        end as daily_usage_run_rate,
        case
            when days_remaining > 0
                then
                    actual_billed_cost
                    + {{ exact_fraction('window_usage_cost', 'days_remaining', 'run_rate_days') }}
            else actual_billed_cost
        end as forecast_billed_cost
    from joined

),

final as (

    select
        {{ dbt.concat([
            'team_id', "'|'", "cast(budget_month as " ~ dbt.type_string() ~ ")", "'|'", 'currency',
        ]) }} as team_budget_month_id,
        budget_month,
        team_id,
        currency,
        cast(budget_amount as decimal(38, 10)) as budget_amount,
        budget_currency,
        is_budget_comparable,
        actual_billed_cost,
        usage_billed_cost,
        cast(actual_billed_cost - usage_billed_cost as decimal(38, 10)) as seat_and_other_billed_cost,
        cast(days_in_month as bigint) as days_in_month,
        cast(days_with_data as bigint) as days_with_data,
        cast(days_remaining as bigint) as days_remaining,
        days_with_data = days_in_month as is_month_complete,
        as_of_date,
        cast(case when days_remaining > 0 then run_rate_days end as bigint) as run_rate_days,
        cast(daily_usage_run_rate as decimal(38, 10)) as daily_usage_run_rate,
        cast(forecast_billed_cost as decimal(38, 10)) as forecast_billed_cost,
        cast(actual_billed_cost - budget_amount as decimal(38, 10)) as variance_to_budget,
        cast(forecast_billed_cost - budget_amount as decimal(38, 10)) as forecast_variance_to_budget,
        case
            when budget_amount > 0 then cast(actual_billed_cost as double) / cast(budget_amount as double)
        end as budget_used_share,
        case
            when budget_amount > 0 then cast(forecast_billed_cost as double) / cast(budget_amount as double)
        end as forecast_budget_share,
        case when is_budget_comparable then actual_billed_cost > budget_amount end as is_over_budget,
        case
            when is_budget_comparable then forecast_billed_cost > budget_amount
        end as is_forecast_over_budget
    from forecasts

)

select * from final
