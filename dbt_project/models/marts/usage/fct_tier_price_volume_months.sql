{#-
    Per month and capability tier (and tier `all`): priced tokens, spend, the blended unit price, a
    chained Fisher price index over models, the implicit quantity index, and the month's change in
    spend split exactly into price, volume and mix effects. Methods: _usage__jevons.yml.
-#}
{%- set previous_month = dbt.dateadd('month', -1, 'tier_months.usage_month') %}

with

token_usage as (

    select * from {{ ref('fct_token_usage') }}

),

model_months as (

    select * from {{ ref('int_model_months_aggregated') }}

),

model_changes as (

    select * from {{ ref('int_model_months_compared') }}

),

-- The days the chosen sources hold usage for: the first and newest months may be partial.
data_window as (

    select
        min(usage_date) as first_data_date,
        max(usage_date) as last_data_date
    from token_usage
    where usage_source in ('provider_usage', 'billing')

),

months as (

    select distinct usage_month from model_months

),

tier_first_months as (

    select
        capability_tier,
        min(usage_month) as first_month
    from model_months
    where total_tokens > 0
    group by capability_tier

),

-- Every month from a tier's first priced usage on, zero-filled where the tier used nothing.
tier_months as (

    select
        months.usage_month,
        tier_first_months.capability_tier
    from tier_first_months
    inner join months
        on tier_first_months.first_month <= months.usage_month

),

tier_totals as (

    select
        usage_month,
        capability_tier,
        sum(uncached_input_tokens) as uncached_input_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum(cache_write_tokens) as cache_write_tokens,
        sum(output_tokens) as output_tokens,
        sum(total_tokens) as total_tokens,
        sum(unpriced_tokens) as unpriced_tokens,
        sum(spend_usd) as spend_usd,
        sum(case when total_tokens > 0 then 1 else 0 end) as models_used
    from model_months
    group by usage_month, capability_tier

),

tier_changes as (

    select
        usage_month,
        capability_tier,
        sum(case when model_status = 'continuing' then 1 else 0 end) as models_continuing,
        sum(case when model_status = 'entering' then 1 else 0 end) as models_entering,
        sum(case when model_status = 'leaving' then 1 else 0 end) as models_leaving,
        sum(price_effect_usd) as price_effect_usd,
        sum(spend_at_current_prices_previous_tokens) as laspeyres_numerator,
        sum(case when model_status = 'continuing' then cast(previous_spend_usd as double) end)
            as laspeyres_denominator,
        sum(case when model_status = 'continuing' then cast(spend_usd as double) end) as paasche_numerator,
        sum(spend_at_previous_prices_current_tokens) as paasche_denominator
    from model_changes
    group by usage_month, capability_tier

),

joined as (

    select
        tier_months.usage_month,
        tier_months.capability_tier,
        {{ dbt.datediff(
            'greatest(tier_months.usage_month, data_window.first_data_date)',
            'least(cast(' ~ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'tier_months.usage_month'))
            ~ ' as date), data_window.last_data_date)',
            'day'
        ) }} + 1 as days_with_data,
        {{ dbt.datediff(
            'tier_months.usage_month',
            'cast(' ~ dbt.dateadd('month', 1, 'tier_months.usage_month') ~ ' as date)',
            'day'
        ) }} as days_in_month,
        -- The previous month is known (possibly zero) unless it is before the first month of data.
        previous_months.usage_month is not null as has_previous_month,
        coalesce(tier_totals.uncached_input_tokens, 0) as uncached_input_tokens,
        coalesce(tier_totals.cache_read_tokens, 0) as cache_read_tokens,
        coalesce(tier_totals.cache_write_tokens, 0) as cache_write_tokens,
        coalesce(tier_totals.output_tokens, 0) as output_tokens,
        coalesce(tier_totals.total_tokens, 0) as total_tokens,
        coalesce(tier_totals.unpriced_tokens, 0) as unpriced_tokens,
        coalesce(tier_totals.models_used, 0) as models_used,
        cast(coalesce(tier_totals.spend_usd, 0) as decimal(38, 10)) as spend_usd,
        coalesce(previous_totals.total_tokens, 0) as previous_total_tokens,
        cast(coalesce(previous_totals.spend_usd, 0) as decimal(38, 10)) as previous_spend_usd,
        coalesce(tier_changes.models_continuing, 0) as models_continuing,
        coalesce(tier_changes.models_entering, 0) as models_entering,
        coalesce(tier_changes.models_leaving, 0) as models_leaving,
        cast(coalesce(tier_changes.price_effect_usd, 0) as decimal(38, 10)) as price_effect_usd,
        case
            when tier_changes.laspeyres_denominator > 0 and tier_changes.laspeyres_numerator > 0
                then tier_changes.laspeyres_numerator / tier_changes.laspeyres_denominator
        end as laspeyres_link,
        case
            when tier_changes.paasche_denominator > 0 and tier_changes.paasche_numerator > 0
                then tier_changes.paasche_numerator / tier_changes.paasche_denominator
        end as paasche_link
    from tier_months
    cross join data_window
    left join tier_totals
        on
            tier_months.usage_month = tier_totals.usage_month
            and tier_months.capability_tier = tier_totals.capability_tier
    left join months as previous_months
        on previous_months.usage_month = cast({{ previous_month }} as date)
    left join tier_totals as previous_totals
        on
            previous_totals.usage_month = cast({{ previous_month }} as date)
            and tier_months.capability_tier = previous_totals.capability_tier
    left join tier_changes
        on
            tier_months.usage_month = tier_changes.usage_month
            and tier_months.capability_tier = tier_changes.capability_tier

),

linked as (

    select
        *,
        sqrt(laspeyres_link * paasche_link) as fisher_link,
        total_tokens - previous_total_tokens as token_change
    from joined

),

-- Volume effect: the change in tokens at the mean of the two months' blended prices, each half exact.
effects as (

    select
        *,
        case
            when not has_previous_month then cast(null as decimal(38, 10))
            when previous_total_tokens = 0 and total_tokens = 0 then cast(0 as decimal(38, 10))
            when previous_total_tokens = 0 then spend_usd
            when total_tokens = 0 then 0 - previous_spend_usd
            else
                (case when token_change < 0 then -1 else 1 end)
                * (
                    {{ exact_quotient(
                        'previous_spend_usd * abs(token_change)', '(2 * previous_total_tokens)'
                    ) }}
                    + {{ exact_quotient('spend_usd * abs(token_change)', '(2 * total_tokens)') }}
                )
        end as volume_effect_usd
    from linked

),

indexed as (

    select
        *,
        100 * exp(
            sum(ln(coalesce(fisher_link, 1.0))) over (
                partition by capability_tier
                order by usage_month
                rows between unbounded preceding and current row
            )
        ) as chained_price_index,
        first_value(spend_usd) over (
            partition by capability_tier
            order by usage_month
            rows between unbounded preceding and current row
        ) as first_month_spend_usd
    from effects

),

spend_indexed as (

    select
        *,
        100 * cast(spend_usd as double) / nullif(cast(first_month_spend_usd as double), 0) as spend_index
    from indexed

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            dbt.safe_cast('usage_month', api.Column.translate_type('string')), "'|'", 'capability_tier'
        ])) }} as tier_month_id,
        usage_month,
        capability_tier,
        cast(days_with_data as bigint) as days_with_data,
        cast(days_in_month as bigint) as days_in_month,
        days_with_data = days_in_month as is_complete_month,
        cast(models_used as bigint) as models_used,
        cast(models_continuing as bigint) as models_continuing,
        cast(models_entering as bigint) as models_entering,
        cast(models_leaving as bigint) as models_leaving,
        cast(uncached_input_tokens as bigint) as uncached_input_tokens,
        cast(cache_read_tokens as bigint) as cache_read_tokens,
        cast(cache_write_tokens as bigint) as cache_write_tokens,
        cast(output_tokens as bigint) as output_tokens,
        cast(total_tokens as bigint) as total_tokens,
        cast(unpriced_tokens as bigint) as unpriced_tokens,
        cast(spend_usd as decimal(38, 10)) as spend_usd,
        cast(
            case when total_tokens > 0 then {{ exact_quotient('spend_usd * 1000000', 'total_tokens') }} end
            as decimal(38, 10)
        ) as blended_price_usd_per_mtok,
        round(laspeyres_link, 10) as laspeyres_link,
        round(paasche_link, 10) as paasche_link,
        round(fisher_link, 10) as fisher_link,
        round(chained_price_index, 6) as price_index,
        round(spend_index, 6) as spend_index,
        round(100 * spend_index / chained_price_index, 6) as quantity_index,
        cast(case when has_previous_month then previous_total_tokens end as bigint) as previous_total_tokens,
        cast(case when has_previous_month then previous_spend_usd end as decimal(38, 10))
            as previous_spend_usd,
        cast(case when has_previous_month then spend_usd - previous_spend_usd end as decimal(38, 10))
            as spend_change_usd,
        cast(case when has_previous_month then price_effect_usd end as decimal(38, 10)) as price_effect_usd,
        cast(volume_effect_usd as decimal(38, 10)) as volume_effect_usd,
        cast(
            case
                when has_previous_month
                    then spend_usd - previous_spend_usd - price_effect_usd - volume_effect_usd
            end
            as decimal(38, 10)
        ) as mix_effect_usd,
        'USD' as currency
    from spend_indexed

)

select * from final
