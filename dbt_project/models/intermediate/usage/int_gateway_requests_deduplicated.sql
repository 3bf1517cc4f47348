{{ config(materialized='view') }}

{#-
    One row per gateway request. A request exported in two files (overlapping exports, a re-sent
    day) keeps the copy from the newest load. Ranking within the request's day lets a filter on
    request_date reach the raw table, so the models rebuilt by day (int_gateway_requests_allocated)
    read only the days they rebuild: a view, never computed whole. Its tests are on that model.
-#}
with

requests as (

    select * from {{ ref('stg_litellm__requests') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by request_date, request_id
            order by _loaded_at desc, source_row_number desc
        ) as copy_rank
    from requests

),

final as (

    select
        request_id,
        request_date,
        started_at,
        ended_at,
        is_success,
        provider,
        model,
        gateway_team_id,
        gateway_team_alias,
        gateway_user_id,
        workflow_id,
        task_id,
        attempt,
        api_key_hash,
        key_alias,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        gateway_cost_usd,
        gateway_input_usd_per_mtok,
        gateway_output_usd_per_mtok,
        gateway_cache_read_usd_per_mtok,
        gateway_cache_write_usd_per_mtok,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from ranked
    where copy_rank = 1

)

select * from final
