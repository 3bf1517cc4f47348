{#-
    One row per usage result of a bucket, from the newest delivery of that result. Each daily pull
    re-sends yesterday's bucket complete after sending it partial (clipped at the pull's time), and
    a dashboard export may re-send a month; within a restatement unit the newest load wins.
-#}
with

restated as (

    {{ latest_export(ref('stg_openai_usage__bucket_results'), [
        'bucket_started_at',
        'result_object',
        'project_id',
        'user_id',
        'api_key_id',
        'model',
        'is_batch',
        'service_tier',
        'image_size',
        'image_source',
        'vector_store_id',
        'web_search_context_level',
    ]) }}

),

final as (

    select
        {{ dbt.concat([
            dbt.string_literal('openai|'),
            "cast(bucket_started_at as " ~ dbt.type_string() ~ ")",
            "'|'", "result_object",
            "'|'", "coalesce(project_id, '')",
            "'|'", "coalesce(user_id, '')",
            "'|'", "coalesce(api_key_id, '')",
            "'|'", "coalesce(model, '')",
            "'|'", "coalesce(cast(is_batch as " ~ dbt.type_string() ~ "), '')",
            "'|'", "coalesce(service_tier, '')",
            "'|'", "coalesce(image_size, '')",
            "'|'", "coalesce(image_source, '')",
            "'|'", "coalesce(vector_store_id, '')",
            "'|'", "coalesce(web_search_context_level, '')",
        ]) }} as bucket_result_id,
        result_object,
        usage_type,
        bucket_started_at,
        bucket_ended_at,
        bucket_date,
        project_id,
        user_id,
        api_key_id,
        model,
        is_batch,
        service_tier,
        image_size,
        image_source,
        vector_store_id,
        web_search_context_level,
        model_request_count,
        input_tokens_total,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        uncached_input_text_tokens,
        input_cached_text_tokens,
        output_text_tokens,
        input_audio_tokens,
        input_cached_audio_tokens,
        output_audio_tokens,
        input_image_tokens,
        input_cached_image_tokens,
        output_image_tokens,
        image_count,
        character_count,
        audio_seconds,
        usage_bytes,
        session_count,
        tool_request_count,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from restated

)

select * from final
