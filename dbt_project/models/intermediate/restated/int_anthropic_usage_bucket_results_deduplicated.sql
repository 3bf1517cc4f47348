{#-
    One row per usage result of a bucket, from the newest delivery of that result. The daily pull
    sends today's bucket partial and restates it complete the next morning; within a restatement
    unit (the bucket's start and every grouping field) the newest load wins. Rows standing for an
    empty bucket carry no usage and are dropped after the restatement.
-#}
with

restated as (

    {{ latest_export(ref('stg_anthropic_usage__bucket_results'), [
        'bucket_started_at',
        'api_key_id',
        'workspace_id',
        'account_id',
        'service_account_id',
        'model',
        'service_tier',
        'context_window',
        'inference_geo',
    ]) }}

),

final as (

    select
        {{ dbt.concat([
            dbt.string_literal('anthropic|'),
            "cast(bucket_started_at as " ~ dbt.type_string() ~ ")",
            "'|'", "coalesce(api_key_id, '')",
            "'|'", "coalesce(workspace_id, '')",
            "'|'", "coalesce(account_id, '')",
            "'|'", "coalesce(service_account_id, '')",
            "'|'", "coalesce(model, '')",
            "'|'", "coalesce(service_tier, '')",
            "'|'", "coalesce(context_window, '')",
            "'|'", "coalesce(inference_geo, '')",
        ]) }} as bucket_result_id,
        bucket_started_at,
        bucket_ended_at,
        bucket_date,
        api_key_id,
        workspace_id,
        account_id,
        service_account_id,
        model,
        service_tier,
        context_window,
        inference_geo,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        cache_write_5m_tokens,
        cache_write_1h_tokens,
        output_tokens,
        reasoning_tokens,
        web_search_requests,
        source_file,
        source_row_number,
        load_id,
        _loaded_at

    from restated
    where not is_empty_bucket

)

select * from final
