{{
    config(
        materialized='incremental',
        unique_key='spend_date',
        incremental_strategy=day_partition_strategy(),
        partition_by=day_partitions('spend_date'),
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('stg_litellm__requests') }}

with

credentials as (

    select * from {{ ref('int_reference_credentials_deduplicated') }}

),

teams as (

    select * from {{ ref('int_reference_teams_deduplicated') }}

),

-- Owners and teams decide every row's team: a newer credentials or teams file restates history.
reference_loads as (

    {{ newest_reference_load(['credentials', 'teams']) }}

),

requests as (

    select * from {{ ref('int_gateway_requests_allocated') }}
    {% if is_incremental() %}
        where
            request_date in ({{ days_with_new_rows(ref('stg_litellm__requests'), 'request_date') }})
            or (select reference_loads.reference_loaded_at from reference_loads) > (select max(last_loaded_at) from {{ this }})
    {% endif %}

),

daily as (

    select
        request_date as spend_date,
        team_id,
        workflow_id,
        provider,
        model_id,
        count(*) as requests,
        sum(case when is_success then 1 else 0 end) as successful_requests,
        sum(uncached_input_tokens) as uncached_input_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum(cache_write_tokens) as cache_write_tokens,
        sum(output_tokens) as output_tokens,
        sum(reasoning_tokens) as reasoning_tokens,
        sum(gateway_cost_usd) as gateway_cost_usd,
        sum(list_cost_usd) as list_cost_usd,
        max(_loaded_at) as last_loaded_at
    from requests
    group by request_date, team_id, workflow_id, provider, model_id

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            dbt.safe_cast('spend_date', api.Column.translate_type('string')),
            "'|'", 'team_id', "'|'", 'workflow_id', "'|'", 'provider', "'|'", 'model_id'
        ])) }} as daily_spend_id,
        spend_date,
        team_id,
        workflow_id,
        provider,
        model_id,
        cast(requests as bigint) as requests,
        cast(successful_requests as bigint) as successful_requests,
        cast(uncached_input_tokens as bigint) as uncached_input_tokens,
        cast(cache_read_tokens as bigint) as cache_read_tokens,
        cast(cache_write_tokens as bigint) as cache_write_tokens,
        cast(output_tokens as bigint) as output_tokens,
        cast(reasoning_tokens as bigint) as reasoning_tokens,
        cast(gateway_cost_usd as decimal(38, 10)) as gateway_cost_usd,
        cast(list_cost_usd as decimal(38, 10)) as list_cost_usd,
        'USD' as currency,
        case
            when (select reference_loads.reference_loaded_at from reference_loads) > last_loaded_at
                then (select reference_loads.reference_loaded_at from reference_loads)
            else last_loaded_at
        end as last_loaded_at
    from daily

)

select * from final
