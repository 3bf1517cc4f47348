{#-
    The usage the savings levers replay, every token once, per day, workflow, provider, model,
    batch flag and routing decile:

    - calls: the gateway's requests and the traced calls the gateway did not log (as fct_tasks),
      each with the routing decile of its task (0 for a call without a ranked task);
    - direct usage: fct_token_usage's provider_usage and billing rows that are not on a gateway's
      own credential (not is_seen_by_gateway), the usage report preferred over the bill for the same
      workflow, provider and day, and neither where traced calls already hold that workflow's calls
      to that provider on that day (the Bedrock bill repeats the incident summariser's spans).

    The gateway cannot tell a Batch API call. The provider's usage report of the gateway's own
    credential can: its batch tokens of a day, provider and model are attributed to the gateway calls
    of non-urgent workflows on that day, provider and model (an urgent workflow cannot wait for a
    batch). share = least(1, batch tokens / those calls' tokens); each token type of each such row
    splits into round(tokens x share) batch tokens and the rest standard.
-#}
with

gateway_requests as (

    select * from {{ ref('int_gateway_requests_allocated') }}

),

telemetry_calls as (

    select * from {{ ref('int_telemetry_model_calls_matched') }}

),

token_usage as (

    select * from {{ ref('fct_token_usage') }}

),

ranked_tasks as (

    select * from {{ ref('int_savings_tasks_ranked') }}

),

workflows as (

    select * from {{ ref('dim_workflows') }}

),

calls as (

    select
        request_date as usage_date,
        'gateway' as usage_source,
        workflow_id,
        provider,
        model_id,
        task_id,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens + reasoning_tokens as output_tokens
    from gateway_requests

    union all

    select
        call_date as usage_date,
        'telemetry' as usage_source,
        coalesce(workflow_id, 'unassigned') as workflow_id,
        provider,
        model_id,
        task_id,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens + reasoning_tokens as output_tokens
    from telemetry_calls
    where not is_seen_by_gateway

),

call_days as (

    select
        calls.usage_date,
        calls.usage_source,
        calls.workflow_id,
        calls.provider,
        calls.model_id,
        coalesce(ranked_tasks.routing_decile, 0) as routing_decile,
        sum(calls.uncached_input_tokens) as uncached_input_tokens,
        sum(calls.cache_read_tokens) as cache_read_tokens,
        sum(calls.cache_write_tokens) as cache_write_tokens,
        sum(calls.output_tokens) as output_tokens
    from calls
    left join ranked_tasks on calls.task_id = ranked_tasks.task_id
    group by
        calls.usage_date,
        calls.usage_source,
        calls.workflow_id,
        calls.provider,
        calls.model_id,
        coalesce(ranked_tasks.routing_decile, 0)

),

traced_direct_days as (

    select distinct
        usage_date,
        workflow_id,
        provider
    from call_days
    where usage_source = 'telemetry'

),

direct_usage as (

    select
        token_usage.*,
        case when token_usage.usage_source = 'provider_usage' then 1 else 2 end as source_preference
    from token_usage
    left join traced_direct_days
        on
            token_usage.usage_date = traced_direct_days.usage_date
            and token_usage.workflow_id = traced_direct_days.workflow_id
            and token_usage.provider = traced_direct_days.provider
    where
        token_usage.usage_source in ('provider_usage', 'billing')
        and not token_usage.is_seen_by_gateway
        and traced_direct_days.usage_date is null

),

preferred_sources as (

    select
        usage_date,
        workflow_id,
        provider,
        min(source_preference) as source_preference
    from direct_usage
    group by usage_date, workflow_id, provider

),

direct_days as (

    select
        direct_usage.usage_date,
        direct_usage.usage_source,
        direct_usage.workflow_id,
        direct_usage.provider,
        direct_usage.model_id,
        -- Bills do not say whether usage was batched: standard rate, as fct_token_usage prices them.
        coalesce(direct_usage.is_batch, false) as is_batch,
        0 as routing_decile,
        sum(direct_usage.uncached_input_tokens) as uncached_input_tokens,
        sum(direct_usage.cache_read_tokens) as cache_read_tokens,
        sum(direct_usage.cache_write_tokens) as cache_write_tokens,
        sum(direct_usage.output_tokens + coalesce(direct_usage.reasoning_tokens, 0)) as output_tokens
    from direct_usage
    inner join preferred_sources
        on
            direct_usage.usage_date = preferred_sources.usage_date
            and direct_usage.workflow_id = preferred_sources.workflow_id
            and direct_usage.provider = preferred_sources.provider
            and direct_usage.source_preference = preferred_sources.source_preference
    group by
        direct_usage.usage_date,
        direct_usage.usage_source,
        direct_usage.workflow_id,
        direct_usage.provider,
        direct_usage.model_id,
        coalesce(direct_usage.is_batch, false)

),

-- Batch tokens the provider reports on the gateway's own credentials, per day, provider and model.
gateway_batch_tokens as (

    select
        usage_date,
        provider,
        model_id,
        sum(total_tokens) as batch_tokens
    from token_usage
    where usage_source = 'provider_usage' and is_seen_by_gateway and is_batch
    group by usage_date, provider, model_id

),

gateway_call_days as (

    select
        call_days.*,
        coalesce(workflows.is_urgent, true) as is_urgent,
        call_days.uncached_input_tokens + call_days.cache_read_tokens + call_days.cache_write_tokens
        + call_days.output_tokens as total_tokens
    from call_days
    left join workflows on call_days.workflow_id = workflows.workflow_id
    where call_days.usage_source = 'gateway'

),

non_urgent_gateway_tokens as (

    select
        usage_date,
        provider,
        model_id,
        sum(total_tokens) as non_urgent_tokens
    from gateway_call_days
    where not is_urgent
    group by usage_date, provider, model_id

),

batch_shares as (

    select
        non_urgent_gateway_tokens.usage_date,
        non_urgent_gateway_tokens.provider,
        non_urgent_gateway_tokens.model_id,
        case
            when gateway_batch_tokens.batch_tokens >= non_urgent_gateway_tokens.non_urgent_tokens then 1.0
            else
                cast(gateway_batch_tokens.batch_tokens as double)
                / non_urgent_gateway_tokens.non_urgent_tokens
        end as batch_share
    from non_urgent_gateway_tokens
    inner join gateway_batch_tokens
        on
            non_urgent_gateway_tokens.usage_date = gateway_batch_tokens.usage_date
            and non_urgent_gateway_tokens.provider = gateway_batch_tokens.provider
            and non_urgent_gateway_tokens.model_id = gateway_batch_tokens.model_id
    where non_urgent_gateway_tokens.non_urgent_tokens > 0

),

gateway_batch_parts as (

    select
        gateway_call_days.usage_date,
        gateway_call_days.usage_source,
        gateway_call_days.workflow_id,
        gateway_call_days.provider,
        gateway_call_days.model_id,
        gateway_call_days.routing_decile,
        {% for token_type in ['uncached_input', 'cache_read', 'cache_write', 'output'] %}
            case
                when gateway_call_days.is_urgent or batch_shares.batch_share is null then 0
                when batch_shares.batch_share >= 1.0 then gateway_call_days.{{ token_type }}_tokens
                else cast(
                    round(gateway_call_days.{{ token_type }}_tokens * batch_shares.batch_share) as bigint
                )
            end as batch_{{ token_type }}_tokens,
        {% endfor %}
        gateway_call_days.uncached_input_tokens,
        gateway_call_days.cache_read_tokens,
        gateway_call_days.cache_write_tokens,
        gateway_call_days.output_tokens
    from gateway_call_days
    left join batch_shares
        on
            gateway_call_days.usage_date = batch_shares.usage_date
            and gateway_call_days.provider = batch_shares.provider
            and gateway_call_days.model_id = batch_shares.model_id

),

gateway_days as (

    select
        usage_date,
        usage_source,
        workflow_id,
        provider,
        model_id,
        false as is_batch,
        routing_decile,
        uncached_input_tokens - batch_uncached_input_tokens as uncached_input_tokens,
        cache_read_tokens - batch_cache_read_tokens as cache_read_tokens,
        cache_write_tokens - batch_cache_write_tokens as cache_write_tokens,
        output_tokens - batch_output_tokens as output_tokens
    from gateway_batch_parts
    -- A row wholly on batch has no standard part.
    where
        uncached_input_tokens + cache_read_tokens + cache_write_tokens + output_tokens = 0
        or uncached_input_tokens + cache_read_tokens + cache_write_tokens + output_tokens
        > batch_uncached_input_tokens
        + batch_cache_read_tokens
        + batch_cache_write_tokens
        + batch_output_tokens

    union all

    select
        usage_date,
        usage_source,
        workflow_id,
        provider,
        model_id,
        true as is_batch,
        routing_decile,
        batch_uncached_input_tokens as uncached_input_tokens,
        batch_cache_read_tokens as cache_read_tokens,
        batch_cache_write_tokens as cache_write_tokens,
        batch_output_tokens as output_tokens
    from gateway_batch_parts
    where
        batch_uncached_input_tokens + batch_cache_read_tokens + batch_cache_write_tokens + batch_output_tokens
        > 0

),

telemetry_days as (

    select
        usage_date,
        usage_source,
        workflow_id,
        provider,
        model_id,
        -- A span does not say whether its call was batched: standard, as fct_token_usage prices it.
        false as is_batch,
        routing_decile,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens
    from call_days
    where usage_source = 'telemetry'

),

unioned as (

    select * from gateway_days
    union all
    select * from telemetry_days
    union all
    select * from direct_days

),

final as (

    select
        usage_date,
        usage_source,
        workflow_id,
        provider,
        model_id,
        is_batch,
        cast(routing_decile as bigint) as routing_decile,
        cast(uncached_input_tokens as bigint) as uncached_input_tokens,
        cast(cache_read_tokens as bigint) as cache_read_tokens,
        cast(cache_write_tokens as bigint) as cache_write_tokens,
        cast(output_tokens as bigint) as output_tokens
    from unioned

)

select * from final
