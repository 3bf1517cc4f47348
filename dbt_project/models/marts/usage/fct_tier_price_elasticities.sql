{#-
    Per capability tier (and tier `all`): the elasticity of volume to price, the OLS slope of
    ln(quantity index) on ln(price index) over the tier's complete months, with its r² and a note in
    plain words. Methods: _usage__jevons.yml.
-#}
with

tier_months as (

    select * from {{ ref('fct_tier_price_volume_months') }}

),

tiers as (

    select distinct capability_tier from tier_months

),

-- Partial months (the newest, usually) would read as a fall in volume: only complete months count.
used_months as (

    select
        capability_tier,
        usage_month,
        price_index,
        quantity_index,
        ln(price_index) as log_price,
        ln(quantity_index) as log_quantity
    from tier_months
    where is_complete_month and price_index > 0 and quantity_index > 0

),

fitted as (

    select
        capability_tier,
        count(*) as months_used,
        min(usage_month) as first_month,
        max(usage_month) as last_month,
        var_pop(log_price) as log_price_variance,
        covar_pop(log_price, log_quantity) / nullif(var_pop(log_price), 0) as slope,
        corr(log_price, log_quantity) as log_correlation
    from used_months
    group by capability_tier

),

ends as (

    select
        fitted.capability_tier,
        fitted.months_used,
        fitted.first_month,
        fitted.last_month,
        fitted.log_price_variance,
        fitted.slope,
        fitted.log_correlation,
        100 * (last_used.price_index / first_used.price_index - 1) as price_index_change_pct,
        100 * (last_used.quantity_index / first_used.quantity_index - 1) as quantity_index_change_pct
    from fitted
    inner join used_months as first_used
        on
            fitted.capability_tier = first_used.capability_tier
            and fitted.first_month = first_used.usage_month
    inner join used_months as last_used
        on
            fitted.capability_tier = last_used.capability_tier
            and fitted.last_month = last_used.usage_month

),

estimated as (

    select
        tiers.capability_tier,
        coalesce(ends.months_used, 0) as months_used,
        ends.first_month,
        ends.last_month,
        round(ends.price_index_change_pct, 6) as price_index_change_pct,
        round(ends.quantity_index_change_pct, 6) as quantity_index_change_pct,
        case
            when ends.months_used >= {{ var('jevons_min_months', 3) }} and ends.log_price_variance > 0
                then round(ends.slope, 6)
        end as elasticity,
        case
            when ends.months_used >= {{ var('jevons_min_months', 3) }} and ends.log_price_variance > 0
                then round(coalesce(ends.log_correlation * ends.log_correlation, 0), 6)
        end as r_squared
    from tiers
    left join ends
        on tiers.capability_tier = ends.capability_tier

),

final as (

    select
        capability_tier,
        'ols_log_levels' as estimation_method,
        cast(months_used as bigint) as months_used,
        first_month,
        last_month,
        price_index_change_pct,
        quantity_index_change_pct,
        elasticity,
        r_squared,
        case
            when months_used < {{ var('jevons_min_months', 3) }}
                then {{ dbt.concat([
                    "'Only '", dbt.safe_cast('months_used', api.Column.translate_type('string')),
                    "' complete months: too few to estimate an elasticity.'"
                ]) }}
            when elasticity is null
                then 'The price index did not move over the complete months: no elasticity to estimate.'
            else {{ dbt.concat([
                "'Over '", dbt.safe_cast('months_used', api.Column.translate_type('string')),
                "' complete months the price index changed by '",
                dbt.safe_cast('round(price_index_change_pct, 1)', api.Column.translate_type('string')),
                "'% and the quantity index by '",
                dbt.safe_cast('round(quantity_index_change_pct, 1)', api.Column.translate_type('string')),
                "'%; a 1% lower price went with '",
                dbt.safe_cast('round(abs(elasticity), 2)', api.Column.translate_type('string')),
                "case when elasticity < 0 then '% more' else '% less' end",
                "' volume (r² '",
                dbt.safe_cast('round(r_squared, 2)', api.Column.translate_type('string')),
                "case when r_squared < 0.5 then ', a weak fit' else '' end",
                "'). '",
                "case
                    when elasticity < -1
                        then 'Volume grows faster than price falls, so cheaper tokens raise spend (Jevons).'
                    when elasticity < 0
                        then 'Volume grows as price falls, but more slowly, so cheaper tokens lower spend.'
                    else 'Volume does not grow as price falls: no Jevons effect.'
                end",
                "' An association over time, not a causal estimate.'"
            ]) }}
        end as note
    from estimated

)

select * from final
