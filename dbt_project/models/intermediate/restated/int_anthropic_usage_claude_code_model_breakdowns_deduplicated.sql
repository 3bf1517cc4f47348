{#-
    One row per model of a Claude Code usage record (an actor's day), from the newest pull of that
    record. The report is pulled per day, and a day pulled again restates its records; the
    restatement unit is the whole record (day, actor, organisation, customer type, terminal,
    remote or not), so its model rows and its day's activity counts always come from one pull.
-#}
with

restated as (

    {{ latest_export(ref('stg_anthropic_usage__claude_code_model_breakdowns'), [
        'usage_date',
        'actor_type',
        'actor_email',
        'actor_api_key_name',
        'organization_id',
        'customer_type',
        'terminal_type',
        'is_remote',
    ]) }}

),

final as (

    select
        {{ dbt.concat([
            dbt.string_literal('claude_code|'),
            "cast(usage_date as " ~ dbt.type_string() ~ ")",
            "'|'", "actor_type",
            "'|'", "coalesce(actor_email, '')",
            "'|'", "coalesce(actor_api_key_name, '')",
            "'|'", "coalesce(organization_id, '')",
            "'|'", "coalesce(customer_type, '')",
            "'|'", "coalesce(terminal_type, '')",
            "'|'", "coalesce(cast(is_remote as " ~ dbt.type_string() ~ "), '')",
            "'|'", "coalesce(model, '')",
        ]) }} as model_breakdown_id,
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
        source_file,
        source_row_number,
        load_id,
        _loaded_at

    from restated

)

select * from final
