{#-
    One row per GenAI span as loaded, model calls and the agent and tool spans around them
    (`is_model_call` tells them apart). Nanosecond epochs become UTC timestamps (microseconds, as
    far as timestamps go); the semantic conventions' token counts become the canonical types:
    gen_ai.usage.input_tokens INCLUDES cache reads and cache writes, output_tokens includes
    reasoning. Provider names become the warehouse's (LiteLLM's): aws.bedrock is bedrock.
    Not deduplicated: a span re-exported appears once per export.
-#}
{%- set epoch = "cast('1970-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")" -%}
{%- set billion = 1000000000 -%}
with

source as (

    select * from {{ source('otel_genai', 'spans') }}

),

renamed as (

    select
        trace_id,
        span_id,
        nullif(parent_span_id, '') as parent_span_id,
        span_name,
        case
            when span_kind in ('1', 'SPAN_KIND_INTERNAL') then 'internal'
            when span_kind in ('2', 'SPAN_KIND_SERVER') then 'server'
            when span_kind in ('3', 'SPAN_KIND_CLIENT') then 'client'
            when span_kind in ('4', 'SPAN_KIND_PRODUCER') then 'producer'
            when span_kind in ('5', 'SPAN_KIND_CONSUMER') then 'consumer'
            else 'unspecified'
        end as span_kind,
        case
            when status_code in ('2', 'STATUS_CODE_ERROR') then 'error'
            when status_code in ('1', 'STATUS_CODE_OK') then 'ok'
            else 'unset'
        end as span_status,
        status_message,
        coalesce(error_type, exception_type) as error_type,
        coalesce(event_count, 0) as event_count,
        scope_name,
        scope_version,
        start_time_unix_nano,
        coalesce(end_time_unix_nano, start_time_unix_nano) as end_time_unix_nano,

        service_name,
        service_namespace,
        service_version,
        service_instance_id,
        coalesce(deployment_environment_name, deployment_environment) as deployment_environment,
        cloud_provider,
        cloud_region,
        cloud_account_id,

        lower(gen_ai_operation_name) as operation_name,
        coalesce(gen_ai_provider_name, gen_ai_system) as otel_provider_name,
        gen_ai_request_model as request_model,
        gen_ai_response_model as response_model,
        coalesce(gen_ai_request_model, gen_ai_response_model) as model,  -- noqa: RF04
        gen_ai_response_id as response_id,
        gen_ai_conversation_id as conversation_id,
        gen_ai_agent_id as agent_id,
        gen_ai_agent_name as agent_name,
        gen_ai_request_max_tokens as request_max_tokens,
        coalesce(
            openai_response_service_tier,
            gen_ai_openai_response_service_tier,
            openai_request_service_tier,
            gen_ai_openai_request_service_tier
        ) as service_tier,
        server_address,

        app_workflow_id as workflow_id,
        app_task_id as task_id,
        app_task_attempt as attempt,
        app_team_id as team_id,

        -- The usage counts as the instrumentation reported them, deprecated names as fallbacks.
        coalesce(gen_ai_usage_input_tokens, gen_ai_usage_prompt_tokens) as reported_input_tokens,
        coalesce(gen_ai_usage_output_tokens, gen_ai_usage_completion_tokens) as reported_output_tokens,
        coalesce(
            gen_ai_usage_cache_read_input_tokens, openllmetry_cache_read_input_tokens, 0
        ) as cache_read_tokens,
        coalesce(
            gen_ai_usage_cache_creation_input_tokens, openllmetry_cache_creation_input_tokens, 0
        ) as cache_write_tokens,
        coalesce(gen_ai_usage_reasoning_output_tokens, 0) as reasoning_tokens,

        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

),

converted as (

    select
        *,
        case lower(otel_provider_name)
            when 'aws.bedrock' then 'bedrock'
            when 'azure.ai.openai' then 'azure'
            when 'az.ai.openai' then 'azure'
            when 'azure.ai.inference' then 'azure_ai'
            when 'az.ai.inference' then 'azure_ai'
            when 'gcp.vertex_ai' then 'vertex_ai'
            when 'gcp.gemini' then 'gemini'
            when 'ibm.watsonx.ai' then 'watsonx'
            when 'x_ai' then 'xai'
            else lower(otel_provider_name)
        end as provider,

        -- Agent and tool spans total or wrap model calls; counting them too would count twice.
        coalesce(operation_name not in ('invoke_agent', 'create_agent', 'execute_tool'), true)
            as is_model_call,
        span_status <> 'error' as is_success,

        -- Nanoseconds since the epoch, split exactly into whole seconds and microseconds: integer
        -- division would differ between engines, and a double cannot hold 19 digits.
        {%- for event, nanos in [('started', 'start_time_unix_nano'), ('ended', 'end_time_unix_nano')] %}
        {{ dbt.dateadd(
            'microsecond',
            "round((mod(" ~ nanos ~ ", " ~ billion ~ ") - mod(" ~ nanos ~ ", 1000)) / 1000)",
            dbt.dateadd(
                'second',
                "round((" ~ nanos ~ " - mod(" ~ nanos ~ ", " ~ billion ~ ")) / " ~ billion ~ ")",
                epoch
            )
        ) }} as {{ event }}_at,
        {%- endfor %}
        cast((end_time_unix_nano - start_time_unix_nano) / 1000000.0 as decimal(18, 3)) as duration_ms,

        -- Canonical token types.
        coalesce(reported_input_tokens, 0) - cache_read_tokens - cache_write_tokens as uncached_input_tokens,
        coalesce(reported_output_tokens, 0) - reasoning_tokens as output_tokens

    from renamed

),

final as (

    select
        trace_id,
        span_id,
        parent_span_id,
        cast(started_at as date) as call_date,
        started_at,
        ended_at,
        duration_ms,
        span_name,
        span_kind,
        operation_name,
        is_model_call,
        is_success,
        span_status,
        status_message,
        error_type,
        event_count,
        provider,
        otel_provider_name,
        model,
        request_model,
        response_model,
        response_id,
        service_tier,
        request_max_tokens,
        conversation_id,
        agent_id,
        agent_name,
        workflow_id,
        task_id,
        attempt,
        team_id,
        service_name,
        service_namespace,
        service_version,
        service_instance_id,
        deployment_environment,
        cloud_provider,
        cloud_region,
        cloud_account_id,
        server_address,
        scope_name,
        scope_version,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        reported_input_tokens,
        reported_output_tokens,
        start_time_unix_nano,
        end_time_unix_nano,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from converted

)

select * from final
