{{
    config(
        materialized='incremental',
        unique_key='usage_date',
        incremental_strategy=day_partition_strategy(),
        partition_by=day_partitions('usage_date'),
        on_schema_change='fail',
    )
}}

{#-
    Tokens per day as each source tells them, side by side: the gateway's logs, the traced
    services' spans, the providers' usage reports and the cloud bills. Sources overlap (the same
    call can be in all four), so a total is only meaningful within one usage_source; see the yml.
-#}
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

{% if is_incremental() %}
-- Days any source changed since the last run; every source is rebuilt for those days.
new_days as (

    select loaded_days.request_date as usage_date
    from (
        {{ days_with_new_rows(ref('int_gateway_requests_allocated'), 'request_date') }}
        union
        {{ days_with_new_rows(ref('int_telemetry_model_calls_matched'), 'call_date') }}
        union
        {{ days_with_new_rows(ref('int_provider_usage_buckets_allocated'), 'usage_date') }}
        union
        {{ days_with_new_rows(ref('int_billed_token_lines_allocated'), 'usage_date') }}
        union
        -- A bill's new delivery replaces its billing period: days on which it no longer bills a
        -- provider's credential are rebuilt too (other bills may still bill that day).
        select current_billing.usage_date
        from {{ this }} as current_billing
        left join {{ ref('int_billed_token_lines_allocated') }} as billed
            on
                current_billing.usage_date = billed.usage_date
                and current_billing.provider = billed.provider
                and current_billing.credential_id is not distinct from billed.credential_id
        where current_billing.usage_source = 'billing' and billed.usage_date is null
        union
        -- A newer credentials or teams file can move past spend between teams: every day is rebuilt.
        select usage_date
        from {{ this }}
        where (select reference_loads.reference_loaded_at from reference_loads) > (select max(last_loaded_at) from {{ this }})
    ) as loaded_days

),
{% endif %}

gateway_requests as (

    select * from {{ ref('int_gateway_requests_allocated') }}
    {% if is_incremental() %}
        where request_date in (select usage_date from new_days)
    {% endif %}

),

telemetry_calls as (

    select * from {{ ref('int_telemetry_model_calls_matched') }}
    {% if is_incremental() %}
        where call_date in (select usage_date from new_days)
    {% endif %}

),

provider_usage as (

    select * from {{ ref('int_provider_usage_buckets_allocated') }}
    {% if is_incremental() %}
        where usage_date in (select usage_date from new_days)
    {% endif %}

),

billed_lines as (

    select * from {{ ref('int_billed_token_lines_allocated') }}
    {% if is_incremental() %}
        where usage_date in (select usage_date from new_days)
    {% endif %}

),

workflows as (

    select * from {{ ref('dim_workflows') }}

),

gateway_rows as (

    select
        request_date as usage_date,
        'gateway' as usage_source,
        provider,
        model_id,
        'litellm_key' as credential_type,
        api_key_hash as credential_id,
        team_id,
        allocation_rule,
        workflow_id,
        -- LiteLLM cannot tell a Batch API call from a standard one.
        cast(null as boolean) as is_batch,
        true as is_seen_by_gateway,
        cast(1 as bigint) as requests,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        list_cost_usd,
        _loaded_at
    from gateway_requests

),

telemetry_rows as (

    select
        telemetry_calls.call_date as usage_date,
        'telemetry' as usage_source,
        telemetry_calls.provider,
        telemetry_calls.model_id,
        cast(null as {{ dbt.type_string() }}) as credential_type,
        cast(null as {{ dbt.type_string() }}) as credential_id,
        coalesce(
            telemetry_calls.span_team_id, nullif(workflows.owner_team_id, 'unallocated'), 'unallocated'
        ) as team_id,
        case
            when telemetry_calls.span_team_id is not null then 'span_team'
            when coalesce(workflows.owner_team_id, 'unallocated') <> 'unallocated' then 'workflow_owner'
            else 'unallocated'
        end as allocation_rule,
        coalesce(telemetry_calls.workflow_id, 'unassigned') as workflow_id,
        cast(null as boolean) as is_batch,
        telemetry_calls.is_seen_by_gateway,
        cast(1 as bigint) as requests,
        telemetry_calls.uncached_input_tokens,
        telemetry_calls.cache_read_tokens,
        telemetry_calls.cache_write_tokens,
        telemetry_calls.output_tokens,
        telemetry_calls.reasoning_tokens,
        telemetry_calls.list_cost_usd,
        telemetry_calls._loaded_at
    from telemetry_calls
    left join workflows
        on coalesce(telemetry_calls.workflow_id, 'unassigned') = workflows.workflow_id

),

provider_usage_rows as (

    select
        usage_date,
        'provider_usage' as usage_source,
        provider,
        model_id,
        credential_type,
        credential_id,
        team_id,
        allocation_rule,
        workflow_id,
        is_batch,
        is_seen_by_gateway,
        requests,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        list_cost_usd,
        _loaded_at
    from provider_usage

),

billing_rows as (

    select
        usage_date,
        'billing' as usage_source,
        provider,
        model_id,
        credential_type,
        credential_id,
        team_id,
        allocation_rule,
        workflow_id,
        cast(null as boolean) as is_batch,
        is_seen_by_gateway,
        cast(null as bigint) as requests,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        list_cost_usd,
        _loaded_at
    from billed_lines

),

usage_rows as (

    select * from gateway_rows
    union all
    select * from telemetry_rows
    union all
    select * from provider_usage_rows
    union all
    select * from billing_rows

),

daily as (

    select
        usage_date,
        usage_source,
        provider,
        model_id,
        credential_type,
        credential_id,
        team_id,
        allocation_rule,
        workflow_id,
        is_batch,
        is_seen_by_gateway,
        sum(requests) as requests,
        sum(uncached_input_tokens) as uncached_input_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum(cache_write_tokens) as cache_write_tokens,
        sum(output_tokens) as output_tokens,
        sum(reasoning_tokens) as reasoning_tokens,
        sum(list_cost_usd) as list_cost_usd,
        max(_loaded_at) as last_loaded_at
    from usage_rows
    group by
        usage_date,
        usage_source,
        provider,
        model_id,
        credential_type,
        credential_id,
        team_id,
        allocation_rule,
        workflow_id,
        is_batch,
        is_seen_by_gateway

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            dbt.safe_cast('usage_date', api.Column.translate_type('string')),
            "'|'", 'usage_source',
            "'|'", "coalesce(provider, '')",
            "'|'", "coalesce(model_id, '')",
            "'|'", "coalesce(credential_type, '')",
            "'|'", "coalesce(credential_id, '')",
            "'|'", 'team_id',
            "'|'", 'allocation_rule',
            "'|'", 'workflow_id',
            "'|'", "coalesce(" ~ dbt.safe_cast('is_batch', api.Column.translate_type('string')) ~ ", '')",
            "'|'", dbt.safe_cast('is_seen_by_gateway', api.Column.translate_type('string')),
        ])) }} as usage_id,
        usage_date,
        usage_source,
        provider,
        model_id,
        credential_type,
        credential_id,
        team_id,
        allocation_rule,
        workflow_id,
        is_batch,
        is_seen_by_gateway,
        cast(requests as bigint) as requests,
        cast(uncached_input_tokens as bigint) as uncached_input_tokens,
        cast(cache_read_tokens as bigint) as cache_read_tokens,
        cast(cache_write_tokens as bigint) as cache_write_tokens,
        cast(output_tokens as bigint) as output_tokens,
        cast(reasoning_tokens as bigint) as reasoning_tokens,
        cast(
            uncached_input_tokens + cache_read_tokens + cache_write_tokens + output_tokens
            + coalesce(reasoning_tokens, 0)
            as bigint
        ) as total_tokens,
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
