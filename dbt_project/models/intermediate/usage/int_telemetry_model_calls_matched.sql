{{
    config(
        materialized='incremental',
        unique_key='call_date',
        incremental_strategy=day_partition_strategy(),
        partition_by=day_partitions('call_date'),
        on_schema_change='fail',
        database=kept_between_builds(),
    )
}}

{#-
    Every traced model call (OpenTelemetry GenAI client span), matched against the gateway's logs and
    priced at list. A service behind the gateway traces the same calls the gateway logs: its span's
    response id is LiteLLM's request id. A failed call has no response id, so it is matched by the
    task and attempt the service's baggage and the gateway's metadata both carry. A matched call is
    `is_seen_by_gateway`: the gateway already counts it, and counting it again would count it twice.
    The call's list cost is its tokens at the catalogue's list price of the call's day (standard
    rate: a span does not say whether a call was batched).

    The matches are found by joining the calls (millions) to the gateway's requests (tens of
    millions) and keeping the distinct matched keys: the calls are the join's smaller side, so no set
    of every request id is held in memory (which ran out of it on 10 million requests).

    Kept between builds and rebuilt by day: a run recomputes the days that received spans since the
    newest load the table holds, and the days of calls that gateway requests loaded since the last
    run match (`gateway_loaded_at`), since those calls are now seen by the gateway.
-#}

-- depends_on: {{ ref('stg_otel_genai__model_calls') }}
{%- if is_incremental() -%}
{%- set rebuilt_days -%}
    with

    new_gateway_requests as (
        select
            request_id,
            task_id,
            attempt
        from {{ ref('int_gateway_requests_allocated') }}
        where _loaded_at > {{ newest_seen('gateway_loaded_at') }}
    )

    {{ days_with_new_rows(ref('stg_otel_genai__model_calls'), 'call_date', seen_column='_loaded_at') }}
    union
    select spans.call_date
    from {{ ref('stg_otel_genai__model_calls') }} as spans
    inner join new_gateway_requests on spans.response_id = new_gateway_requests.request_id
    union
    select spans.call_date
    from {{ ref('stg_otel_genai__model_calls') }} as spans
    inner join new_gateway_requests
        on
            spans.task_id = new_gateway_requests.task_id
            and spans.attempt = new_gateway_requests.attempt
    where spans.response_id is null
{%- endset -%}
{%- endif %}

with

gateway_requests as (

    select * from {{ ref('int_gateway_requests_allocated') }}

),

calls as (

    select * from {{ ref('int_otel_genai_model_calls_deduplicated') }}
    {% if is_incremental() %}
        where {{ day_in(rebuilt_days, 'call_date') }}
    {% endif %}

),

model_names as (

    select * from {{ ref('int_model_names_canonicalised') }}

),

list_prices as (

    select * from {{ ref('int_list_prices_dated') }}

),

response_id_matches as (

    select distinct calls.response_id
    from calls
    inner join gateway_requests
        on calls.response_id = gateway_requests.request_id

),

attempt_matches as (

    select distinct
        calls.task_id,
        calls.attempt
    from calls
    inner join gateway_requests
        on
            calls.task_id = gateway_requests.task_id
            and calls.attempt = gateway_requests.attempt
    where calls.response_id is null

),

matched as (

    select
        calls.*,
        coalesce(calls.response_model, calls.request_model, calls.model) as source_model,
        case
            when response_id_matches.response_id is not null then 'response_id'
            when attempt_matches.task_id is not null then 'task_attempt'
        end as gateway_match
    from calls
    left join response_id_matches
        on calls.response_id = response_id_matches.response_id
    left join attempt_matches
        on
            calls.response_id is null
            and calls.task_id = attempt_matches.task_id
            and calls.attempt = attempt_matches.attempt

),

priced as (

    select
        matched.*,
        model_names.model_id,
        list_prices.input_usd_per_mtok,
        list_prices.cache_read_usd_per_mtok,
        list_prices.cache_write_usd_per_mtok,
        list_prices.output_usd_per_mtok
    from matched
    left join model_names
        on
            matched.provider = model_names.provider
            and matched.source_model = model_names.source_model
    left join list_prices
        on
            matched.provider = list_prices.provider
            and model_names.model_id = list_prices.model_id
            and matched.call_date >= list_prices.valid_from
            and matched.call_date < list_prices.valid_to

),

final as (

    select
        model_call_id,
        trace_id,
        span_id,
        call_date,
        started_at,
        is_success,
        provider,
        source_model,
        coalesce(model_id, source_model) as model_id,
        workflow_id,
        task_id,
        attempt,
        team_id as span_team_id,
        service_name,
        response_id,
        gateway_match is not null as is_seen_by_gateway,
        gateway_match,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        cast(
            (
                uncached_input_tokens * input_usd_per_mtok
                + cache_read_tokens * cache_read_usd_per_mtok
                + cache_write_tokens * cache_write_usd_per_mtok
                + (output_tokens + reasoning_tokens) * output_usd_per_mtok
            ) * 0.000001
            as decimal(38, 10)
        ) as list_cost_usd,
        load_id,
        _loaded_at,
        (select max(gateway_requests._loaded_at) from gateway_requests) as gateway_loaded_at,
        {{ build_started_at() }} as _built_at
    from priced

)

select * from final
