{#-
    One row per usage result of one time bucket: the API's result is meaningless without its
    bucket, so the entity is the pair. Epoch seconds become UTC timestamps; OpenAI's input total is
    split into the canonical token types. Not deduplicated: restated buckets appear once per delivery.
-#}
with

source as (

    select * from {{ source('openai_usage', 'results') }}

),

renamed as (

    select
        object as result_object,
        replace(replace(object, 'organization.usage.', ''), '.result', '') as usage_type,
        start_time as bucket_start_epoch,
        end_time as bucket_end_epoch,
        project_id,
        user_id,
        api_key_id,
        model,
        batch as is_batch,
        service_tier,
        size as image_size,
        image_source,
        vector_store_id,
        context_level as web_search_context_level,
        input_tokens,
        input_cached_tokens,
        input_cache_write_tokens,
        output_tokens as output_tokens_with_reasoning,
        input_text_tokens as uncached_input_text_tokens,
        input_cached_text_tokens,
        output_text_tokens,
        input_audio_tokens,
        input_cached_audio_tokens,
        output_audio_tokens,
        input_image_tokens,
        input_cached_image_tokens,
        output_image_tokens,
        num_model_requests as model_request_count,
        images as image_count,
        characters as character_count,
        seconds as audio_seconds,
        usage_bytes,
        num_sessions as session_count,
        num_requests as tool_request_count,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

),

converted as (

    select
        *,
        -- Epoch seconds are UTC; the result is a UTC timestamp on every adapter.
        {{ dbt.dateadd('second', 'bucket_start_epoch', "cast('1970-01-01 00:00:00' as timestamp)") }}
            as bucket_started_at,
        {{ dbt.dateadd('second', 'bucket_end_epoch', "cast('1970-01-01 00:00:00' as timestamp)") }}
            as bucket_ended_at,

        -- Canonical token types, only for results that count tokens. input_tokens INCLUDES cached
        -- and cache-write tokens; captures older than the breakdown fields lack them (read as 0).
        -- OpenAI does not break reasoning out of output_tokens, so reasoning stays unknown.
        input_tokens
        - coalesce(input_cached_tokens, 0)
        - coalesce(input_cache_write_tokens, 0) as uncached_input_tokens,
        case when input_tokens is not null then coalesce(input_cached_tokens, 0) end as cache_read_tokens,
        case
            when input_tokens is not null then coalesce(input_cache_write_tokens, 0)
        end as cache_write_tokens,
        case
            when input_tokens is not null then coalesce(output_tokens_with_reasoning, 0)
        end as output_tokens,
        cast(null as bigint) as reasoning_tokens

    from renamed

),

final as (

    select
        result_object,
        usage_type,
        bucket_started_at,
        bucket_ended_at,
        cast(bucket_started_at as date) as bucket_date,
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
        input_tokens as input_tokens_total,
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

    from converted

)

select * from final
