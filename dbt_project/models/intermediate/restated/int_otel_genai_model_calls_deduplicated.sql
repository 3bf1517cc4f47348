{{ config(materialized='view') }}

{#-
    One row per traced model call. Spans never change once ended, but a Collector that times out
    retries the whole batch, and a file exporter that restarts may append it again, so the same
    span (trace_id, span_id) can arrive in several exports: that pair is the restatement unit, and
    the newest load wins (within one file, the later line). Agent and tool spans are left out:
    their token counts total the model calls beneath them.

    The span is both the restatement unit and the row, so one ranking over (load time, line)
    picks the newest load's last line; latest_export would read the spans twice. A span's copies
    share its start, so ranking within the call's day is the same ranking, and it lets a filter on
    call_date reach the raw table: int_telemetry_model_calls_matched, rebuilt by day, reads only the
    days it rebuilds. A view, never computed whole; its tests are on that model.
-#}
with

calls as (

    select * from {{ ref('stg_otel_genai__model_calls') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by call_date, trace_id, span_id
            order by _loaded_at desc, source_row_number desc
        ) as copy_rank
    from calls

),

final as (

    select
        {{ dbt.concat(["trace_id", "'-'", "span_id"]) }} as model_call_id,
        trace_id,
        span_id,
        parent_span_id,
        call_date,
        started_at,
        ended_at,
        duration_ms,
        operation_name,
        is_success,
        error_type,
        provider,
        otel_provider_name,
        model,
        request_model,
        response_model,
        response_id,
        service_tier,
        conversation_id,
        agent_id,
        agent_name,
        workflow_id,
        task_id,
        attempt,
        team_id,
        service_name,
        service_version,
        deployment_environment,
        cloud_account_id,
        server_address,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from ranked
    where copy_rank = 1 and is_model_call

)

select * from final
