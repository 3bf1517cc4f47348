{#-
    Each model's priced usage in a month beside the same model's in the previous calendar month,
    per capability tier (and tier `all`): one row per month, tier and model with priced tokens in
    either month. A model in both months is `continuing` and carries its Bennet price effect and its
    terms of the Laspeyres and Paasche price links; a model only in the month is `entering`, one
    only in the previous month `leaving` (its row is in the month after its last). Months after the
    newest month of data are not compared. Methods: _int_usage__jevons.yml.
-#}
{%- set month_after_previous = dbt.dateadd('month', 1, 'previous_month.usage_month') %}

with

model_months as (

    select * from {{ ref('int_model_months_aggregated') }}
    where total_tokens > 0

),

last_month as (

    select max(usage_month) as usage_month from {{ ref('int_model_months_aggregated') }}

),

paired as (

    select
        coalesce(
            current_month.usage_month,
            cast({{ month_after_previous }} as date)
        ) as usage_month,
        coalesce(current_month.capability_tier, previous_month.capability_tier) as capability_tier,
        coalesce(current_month.model_id, previous_month.model_id) as model_id,
        coalesce(previous_month.total_tokens, 0) as previous_tokens,
        coalesce(current_month.total_tokens, 0) as tokens,
        coalesce(previous_month.spend_usd, 0) as previous_spend_usd,
        coalesce(current_month.spend_usd, 0) as spend_usd
    from model_months as current_month
    full outer join model_months as previous_month
        on
            current_month.capability_tier = previous_month.capability_tier
            and current_month.model_id = previous_month.model_id
            and current_month.usage_month = cast({{ month_after_previous }} as date)

),

final as (

    select
        paired.usage_month,
        paired.capability_tier,
        paired.model_id,
        case
            when paired.previous_tokens > 0 and paired.tokens > 0 then 'continuing'
            when paired.tokens > 0 then 'entering'
            else 'leaving'
        end as model_status,
        cast(paired.previous_tokens as bigint) as previous_tokens,
        cast(paired.tokens as bigint) as tokens,
        cast(paired.previous_spend_usd as decimal(38, 10)) as previous_spend_usd,
        cast(paired.spend_usd as decimal(38, 10)) as spend_usd,
        -- Bennet: (p1 - p0) * (q0 + q1) / 2 = v1 (q0 + q1) / (2 q1) - v0 (q0 + q1) / (2 q0), each exact.
        cast(
            case
                when paired.previous_tokens > 0 and paired.tokens > 0
                    then
                        {{ exact_quotient(
                            'paired.spend_usd * (paired.previous_tokens + paired.tokens)', '(2 * paired.tokens)'
                        ) }}
                        - {{ exact_quotient(
                            'paired.previous_spend_usd * (paired.previous_tokens + paired.tokens)',
                            '(2 * paired.previous_tokens)'
                        ) }}
                else 0
            end
            as decimal(38, 10)
        ) as price_effect_usd,
        -- Laspeyres numerator p1 q0 = v1 q0 / q1; Paasche denominator p0 q1 = v0 q1 / q0.
        case
            when paired.previous_tokens > 0 and paired.tokens > 0
                then cast(paired.spend_usd as double) * paired.previous_tokens / paired.tokens
        end as spend_at_current_prices_previous_tokens,
        case
            when paired.previous_tokens > 0 and paired.tokens > 0
                then cast(paired.previous_spend_usd as double) * paired.tokens / paired.previous_tokens
        end as spend_at_previous_prices_current_tokens
    from paired
    cross join last_month
    where paired.usage_month <= last_month.usage_month

)

select * from final
