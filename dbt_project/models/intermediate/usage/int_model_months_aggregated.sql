{#-
    Priced token usage per month, capability tier and canonical model, counting every token once:
    the providers' own usage reports (`provider_usage`: OpenAI and Anthropic, the gateway's calls
    included) plus the cloud bills' token lines (`billing`: Bedrock, Azure OpenAI). Each model is
    also under tier `all`, so the tier-level arithmetic runs once for every tier and for all models.
    Rows without a list price (list_cost_usd NULL) are left out of tokens and spend and counted in
    unpriced_tokens, so a unit price never mixes priced and unpriced tokens.
-#}
with

token_usage as (

    select * from {{ ref('fct_token_usage') }}

),

models as (

    select * from {{ ref('dim_models') }}

),

usage_rows as (

    select
        cast({{ dbt.date_trunc('month', 'token_usage.usage_date') }} as date) as usage_month,
        coalesce(models.capability_tier, 'unknown') as capability_tier,
        token_usage.model_id,
        token_usage.uncached_input_tokens,
        token_usage.cache_read_tokens,
        token_usage.cache_write_tokens,
        -- Neither usage reports nor bills separate reasoning: it is in output.
        coalesce(token_usage.output_tokens, 0) + coalesce(token_usage.reasoning_tokens, 0) as output_tokens,
        token_usage.total_tokens,
        token_usage.list_cost_usd
    from token_usage
    left join models
        on token_usage.model_id = models.model_id
    where token_usage.usage_source in ('provider_usage', 'billing')

),

tiered as (

    select * from usage_rows
    union all
    select
        usage_month,
        'all' as capability_tier,
        model_id,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        total_tokens,
        list_cost_usd
    from usage_rows

),

final as (

    select
        usage_month,
        capability_tier,
        coalesce(model_id, 'unknown') as model_id,
        cast(sum(case when list_cost_usd is not null then uncached_input_tokens else 0 end) as bigint)
            as uncached_input_tokens,
        cast(sum(case when list_cost_usd is not null then cache_read_tokens else 0 end) as bigint)
            as cache_read_tokens,
        cast(sum(case when list_cost_usd is not null then cache_write_tokens else 0 end) as bigint)
            as cache_write_tokens,
        cast(sum(case when list_cost_usd is not null then output_tokens else 0 end) as bigint)
            as output_tokens,
        cast(sum(case when list_cost_usd is not null then total_tokens else 0 end) as bigint) as total_tokens,
        cast(sum(case when list_cost_usd is null then total_tokens else 0 end) as bigint) as unpriced_tokens,
        cast(coalesce(sum(list_cost_usd), 0) as decimal(38, 10)) as spend_usd,
        'USD' as currency
    from tiered
    group by 1, 2, 3

)

select * from final
