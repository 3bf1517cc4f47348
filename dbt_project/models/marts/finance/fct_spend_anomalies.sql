{#-
    Each team's billed usage spend per provider and day against a robust baseline of the days before
    it: the median and the median absolute deviation (MAD) of the previous days, and the modified
    z-score of Iglewicz and Hoaglin. The method, and why days without spend count as zero, are in
    _finance__budgets.yml. A rolling median is no window function on every engine, so each day is
    joined to its baseline days and the middle values are picked by rank: exact decimals, any engine.
-#}
{%- set baseline_days = var('anomaly_baseline_days', 28) -%}
{%- set min_baseline_days = var('anomaly_min_baseline_days', 14) -%}
{%- set min_spend_day_share = var('anomaly_min_spend_day_share', 0.75) -%}
{%- set z_threshold = var('anomaly_z_threshold', 3.5) -%}
-- FOCUS's own PascalCase column names from the ledger.
-- noqa: disable=CP02
with

ledger as (

    select * from {{ ref('focus_cost_and_usage') }}

),

usage_charges as (

    select
        x_TeamId as team_id,
        x_Provider as provider,
        BillingCurrency as currency,
        cast(ChargePeriodStart as date) as spend_date,
        x_WorkflowId as workflow_id,
        x_Model as model_id,
        BilledCost as billed_cost
    from ledger
    where x_IsAiSpend and ChargeCategory = 'Usage'

),

-- Days the ledger holds any usage for: only these count as baseline days.
data_days as (

    select distinct spend_date from usage_charges

),

daily as (

    select
        team_id,
        provider,
        currency,
        spend_date,
        sum(billed_cost) as billed_cost
    from usage_charges
    group by team_id, provider, currency, spend_date

),

series as (

    select distinct
        team_id,
        provider,
        currency
    from daily

),

-- Every series on every day with data; a day without the series' spend counts as zero spend.
zero_filled as (

    select
        series.team_id,
        series.provider,
        series.currency,
        data_days.spend_date,
        coalesce(daily.billed_cost, 0) as billed_cost
    from series
    cross join data_days
    left join daily
        on
            series.team_id = daily.team_id
            and series.provider = daily.provider
            and series.currency = daily.currency
            and data_days.spend_date = daily.spend_date

),

baseline_values as (

    select
        daily.team_id,
        daily.provider,
        daily.currency,
        daily.spend_date,
        zero_filled.billed_cost as baseline_cost,
        row_number() over (
            partition by daily.team_id, daily.provider, daily.currency, daily.spend_date
            order by zero_filled.billed_cost
        ) as value_rank,
        count(*) over (
            partition by daily.team_id, daily.provider, daily.currency, daily.spend_date
        ) as baseline_days
    from daily
    inner join zero_filled
        on
            daily.team_id = zero_filled.team_id
            and daily.provider = zero_filled.provider
            and daily.currency = zero_filled.currency
            and {{ dbt.dateadd('day', -baseline_days, 'daily.spend_date') }} <= zero_filled.spend_date
            and daily.spend_date > zero_filled.spend_date

),

-- The median is the middle value, or the two middle values' mean: 2 * rank in [n, n + 2].
median_parts as (

    select
        team_id,
        provider,
        currency,
        spend_date,
        max(baseline_days) as baseline_days,
        sum(case when baseline_cost <> 0 then 1 else 0 end) as baseline_days_with_spend,
        sum(
            case when 2 * value_rank between baseline_days and baseline_days + 2 then baseline_cost else 0 end
        ) as middle_sum,
        sum(case when 2 * value_rank between baseline_days and baseline_days + 2 then 1 else 0 end)
            as middle_count
    from baseline_values
    group by team_id, provider, currency, spend_date

),

medians as (

    select
        *,
        {{ exact_fraction('middle_sum', '1', 'middle_count') }} as baseline_median
    from median_parts

),

deviations as (

    select
        baseline_values.team_id,
        baseline_values.provider,
        baseline_values.currency,
        baseline_values.spend_date,
        baseline_values.baseline_days,
        abs(baseline_values.baseline_cost - medians.baseline_median) as deviation,
        row_number() over (
            partition by
                baseline_values.team_id,
                baseline_values.provider,
                baseline_values.currency,
                baseline_values.spend_date
            order by abs(baseline_values.baseline_cost - medians.baseline_median)
        ) as deviation_rank
    from baseline_values
    inner join medians
        on
            baseline_values.team_id = medians.team_id
            and baseline_values.provider = medians.provider
            and baseline_values.currency = medians.currency
            and baseline_values.spend_date = medians.spend_date

),

deviation_parts as (

    select
        team_id,
        provider,
        currency,
        spend_date,
        max(baseline_days) as baseline_days,
        sum(deviation) as deviation_sum,
        sum(
            case when 2 * deviation_rank between baseline_days and baseline_days + 2 then deviation else 0 end
        ) as middle_sum,
        sum(case when 2 * deviation_rank between baseline_days and baseline_days + 2 then 1 else 0 end)
            as middle_count
    from deviations
    group by team_id, provider, currency, spend_date

),

spreads as (

    select
        team_id,
        provider,
        currency,
        spend_date,
        {{ exact_fraction('middle_sum', '1', 'middle_count') }} as baseline_mad,
        {{ exact_fraction('deviation_sum', '1', 'baseline_days') }} as baseline_mean_absolute_deviation
    from deviation_parts

),

-- The day's largest workflow and model by billed cost; ties go to the first id.
workflow_spend as (

    select
        team_id,
        provider,
        currency,
        spend_date,
        workflow_id,
        sum(billed_cost) as billed_cost
    from usage_charges
    group by team_id, provider, currency, spend_date, workflow_id

),

top_workflows as (

    select
        *,
        row_number() over (
            partition by team_id, provider, currency, spend_date
            order by billed_cost desc, workflow_id asc
        ) as spend_rank
    from workflow_spend

),

model_spend as (

    select
        team_id,
        provider,
        currency,
        spend_date,
        model_id,
        sum(billed_cost) as billed_cost
    from usage_charges
    group by team_id, provider, currency, spend_date, model_id

),

top_models as (

    select
        *,
        row_number() over (
            partition by team_id, provider, currency, spend_date
            order by billed_cost desc, coalesce(model_id, '') asc
        ) as spend_rank
    from model_spend

),

scored as (

    select
        daily.team_id,
        daily.provider,
        daily.currency,
        daily.spend_date,
        daily.billed_cost,
        coalesce(medians.baseline_days, 0) as baseline_days,
        coalesce(medians.baseline_days_with_spend, 0) as baseline_days_with_spend,
        medians.baseline_median,
        spreads.baseline_mad,
        spreads.baseline_mean_absolute_deviation,
        case
            when coalesce(medians.baseline_days, 0) < {{ min_baseline_days }} then 'too_few_baseline_days'
            when
                medians.baseline_days_with_spend < {{ min_spend_day_share }} * medians.baseline_days
                or medians.baseline_median = 0
                then 'sparse_baseline'
            when spreads.baseline_mad > 0 then 'mad'
            when spreads.baseline_mean_absolute_deviation > 0 then 'mean_absolute_deviation'
            else 'constant_baseline'
        end as score_method,
        top_workflows.workflow_id as top_workflow_id,
        top_workflows.billed_cost as top_workflow_cost,
        top_models.model_id as top_model_id,
        top_models.billed_cost as top_model_cost
    from daily
    left join medians
        on
            daily.team_id = medians.team_id
            and daily.provider = medians.provider
            and daily.currency = medians.currency
            and daily.spend_date = medians.spend_date
    left join spreads
        on
            daily.team_id = spreads.team_id
            and daily.provider = spreads.provider
            and daily.currency = spreads.currency
            and daily.spend_date = spreads.spend_date
    inner join top_workflows
        on
            daily.team_id = top_workflows.team_id
            and daily.provider = top_workflows.provider
            and daily.currency = top_workflows.currency
            and daily.spend_date = top_workflows.spend_date
            and top_workflows.spend_rank = 1
    inner join top_models
        on
            daily.team_id = top_models.team_id
            and daily.provider = top_models.provider
            and daily.currency = top_models.currency
            and daily.spend_date = top_models.spend_date
            and top_models.spend_rank = 1

),

z_scores as (

    select
        *,
        case
            when score_method = 'mad'
                then 0.6745 * cast(billed_cost - baseline_median as double) / cast(baseline_mad as double)
            when score_method = 'mean_absolute_deviation'
                then
                    cast(billed_cost - baseline_median as double)
                    / (1.253314 * cast(baseline_mean_absolute_deviation as double))
        end as robust_z_score
    from scored

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            dbt.safe_cast('spend_date', api.Column.translate_type('string')),
            "'|'", 'team_id', "'|'", 'provider', "'|'", 'currency',
        ])) }} as spend_anomaly_id,
        spend_date,
        team_id,
        provider,
        currency,
        cast(billed_cost as decimal(38, 10)) as billed_cost,
        cast(baseline_days as bigint) as baseline_days,
        cast(baseline_days_with_spend as bigint) as baseline_days_with_spend,
        cast(baseline_median as decimal(38, 10)) as baseline_median,
        cast(baseline_mad as decimal(38, 10)) as baseline_mad,
        cast(baseline_mean_absolute_deviation as decimal(38, 10)) as baseline_mean_absolute_deviation,
        cast(billed_cost - baseline_median as decimal(38, 10)) as spend_above_baseline,
        case
            when baseline_median > 0 then cast(billed_cost as double) / cast(baseline_median as double)
        end as spend_vs_baseline,
        score_method,
        round(robust_z_score, 4) as robust_z_score,
        coalesce(robust_z_score > {{ z_threshold }}, false) as is_anomaly,
        top_workflow_id,
        case
            when billed_cost > 0 then cast(top_workflow_cost as double) / cast(billed_cost as double)
        end as top_workflow_share,
        top_model_id,
        case
            when billed_cost > 0 then cast(top_model_cost as double) / cast(billed_cost as double)
        end as top_model_share
    from z_scores

)

select * from final
