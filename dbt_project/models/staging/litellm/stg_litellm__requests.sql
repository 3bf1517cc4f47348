with

source as (

    select * from {{ source('litellm', 'spend_logs') }}

),

renamed as (

    select
        request_id,
        call_type,
        api_key as api_key_hash,
        key_alias,
        cast(start_time as date) as request_date,
        start_time as started_at,
        end_time as ended_at,
        status = 'success' as is_success,
        status as request_status,
        lower(custom_llm_provider) as provider,
        model,
        coalesce(nullif(team_id, ''), nullif(key_team_id, '')) as gateway_team_id,
        nullif(key_team_alias, '') as gateway_team_alias,
        coalesce(nullif(user_id, ''), nullif(key_user_id, '')) as gateway_user_id,
        nullif(key_user_email, '') as gateway_user_email,
        nullif(workflow, '') as workflow_id,
        nullif(task_id, '') as task_id,
        coalesce(attempt, 1) as attempt,

        -- Canonical token types. LiteLLM reports OpenAI-style totals: prompt_tokens includes
        -- cache reads and cache writes, completion_tokens includes reasoning tokens.
        coalesce(cache_read_input_tokens, cached_tokens, 0) as cache_read_tokens,
        coalesce(cache_creation_input_tokens, 0) as cache_write_tokens,
        coalesce(prompt_tokens, 0)
        - coalesce(cache_read_input_tokens, cached_tokens, 0)
        - coalesce(cache_creation_input_tokens, 0) as uncached_input_tokens,
        coalesce(reasoning_tokens, 0) as reasoning_tokens,
        coalesce(completion_tokens, 0) - coalesce(reasoning_tokens, 0) as output_tokens,

        -- The gateway's estimate, converted once from LiteLLM's float to exact decimal dollars.
        cast(spend as decimal(38, 10)) as gateway_cost_usd,
        cast(gateway_input_cost_per_token * 1000000 as decimal(38, 10)) as gateway_input_usd_per_mtok,
        cast(gateway_output_cost_per_token * 1000000 as decimal(38, 10)) as gateway_output_usd_per_mtok,
        cast(gateway_cache_read_cost_per_token * 1000000 as decimal(38, 10))
            as gateway_cache_read_usd_per_mtok,
        cast(gateway_cache_write_cost_per_token * 1000000 as decimal(38, 10))
            as gateway_cache_write_usd_per_mtok,

        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

)

select * from renamed
