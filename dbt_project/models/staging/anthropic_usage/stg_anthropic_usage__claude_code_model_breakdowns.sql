{#-
    One row per model of one Claude Code usage record (an actor's day): the record's
    model_breakdown entries, with the record's actor and day. The record's activity counts
    (sessions, lines, commits, pull requests, tool actions) belong to the actor's day, not to a
    model: they are kept on the record's first model row only, so sums over rows count them once.
    Not deduplicated: a day pulled twice appears once per pull.
-#}
with

source as (

    select * from {{ source('anthropic_usage', 'claude_code') }}

),

renamed as (

    select
        report_date as report_date_text,
        actor_type,
        actor_email_address,
        actor_api_key_name,
        organization_id,
        customer_type,
        subscription_type,
        terminal_type,
        is_remote,
        model_breakdown_position as model_position,
        model,
        tokens_input,
        tokens_cache_read,
        tokens_cache_creation,
        tokens_output,
        estimated_cost_amount as estimated_cost_cents,
        estimated_cost_currency,
        num_sessions,
        lines_of_code_added,
        lines_of_code_removed,
        commits_by_claude_code,
        pull_requests_by_claude_code,
        edit_tool_accepted,
        edit_tool_rejected,
        multi_edit_tool_accepted,
        multi_edit_tool_rejected,
        write_tool_accepted,
        write_tool_rejected,
        notebook_edit_tool_accepted,
        notebook_edit_tool_rejected,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

),

converted as (

    select
        *,
        -- The report's day is RFC 3339 text (midnight UTC); read as an instant, kept as a UTC date.
        cast({{ utc_timestamp_from_text('report_date_text') }} as date) as usage_date,
        -- People are matched by email across sources; case carries no meaning in practice.
        lower(actor_email_address) as actor_email,
        model_position = 1 as is_first_model_of_record,

        -- Canonical token types: Claude Code reports Anthropic's own usage counts, where input
        -- EXCLUDES cache reads and cache creation.
        coalesce(tokens_input, 0) as uncached_input_tokens,
        coalesce(tokens_cache_read, 0) as cache_read_tokens,
        coalesce(tokens_cache_creation, 0) as cache_write_tokens,
        coalesce(tokens_output, 0) as output_tokens,
        cast(null as bigint) as reasoning_tokens,

        -- Anthropic's estimate is in cents (the lowest currency unit): to dollars once, exactly
        -- (multiplying by 0.01 stays DECIMAL; dividing by 100 would go through DOUBLE).
        cast(estimated_cost_cents * 0.01 as decimal(38, 10)) as estimated_cost,
        upper(estimated_cost_currency) as estimated_cost_currency_code

    from renamed

),

final as (

    select
        usage_date,
        actor_type,
        actor_email,
        actor_api_key_name,
        organization_id,
        customer_type,
        subscription_type,
        terminal_type,
        is_remote,
        model_position,
        model,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        estimated_cost,
        estimated_cost_currency_code as estimated_cost_currency,
        case when is_first_model_of_record then num_sessions end as num_sessions,
        case when is_first_model_of_record then lines_of_code_added end as lines_of_code_added,
        case when is_first_model_of_record then lines_of_code_removed end as lines_of_code_removed,
        case when is_first_model_of_record then commits_by_claude_code end as commits_by_claude_code,
        case
            when is_first_model_of_record then pull_requests_by_claude_code
        end as pull_requests_by_claude_code,
        case when is_first_model_of_record then edit_tool_accepted end as edit_tool_accepted,
        case when is_first_model_of_record then edit_tool_rejected end as edit_tool_rejected,
        case when is_first_model_of_record then multi_edit_tool_accepted end as multi_edit_tool_accepted,
        case when is_first_model_of_record then multi_edit_tool_rejected end as multi_edit_tool_rejected,
        case when is_first_model_of_record then write_tool_accepted end as write_tool_accepted,
        case when is_first_model_of_record then write_tool_rejected end as write_tool_rejected,
        case
            when is_first_model_of_record then notebook_edit_tool_accepted
        end as notebook_edit_tool_accepted,
        case
            when is_first_model_of_record then notebook_edit_tool_rejected
        end as notebook_edit_tool_rejected,
        source_file,
        source_row_number,
        load_id,
        _loaded_at

    from converted

)

select * from final
