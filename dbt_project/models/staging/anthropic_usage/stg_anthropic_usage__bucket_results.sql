{#-
    One row per result of one time bucket of the messages usage report: the result is meaningless
    without its bucket, so the entity is the pair. RFC 3339 bucket times become UTC timestamps;
    token counts become the canonical types. Not deduplicated: a bucket delivered partial and then
    complete appears once per delivery (int_anthropic_usage_bucket_results_deduplicated keeps one).
-#}
with

source as (

    select * from {{ source('anthropic_usage', 'messages') }}

),

renamed as (

    select
        starting_at as bucket_start_text,
        ending_at as bucket_end_text,
        coalesce(is_empty_bucket, false) as is_empty_bucket,
        api_key_id,
        workspace_id,
        account_id,
        service_account_id,
        model,
        service_tier,
        context_window,
        inference_geo,
        uncached_input_tokens,
        cache_read_input_tokens,
        cache_creation_ephemeral_5m_input_tokens,
        cache_creation_ephemeral_1h_input_tokens,
        output_tokens as output_tokens_sent,
        server_tool_use_web_search_requests,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

),

converted as (

    select
        *,
        -- RFC 3339 text carries its offset: read it as an instant, keep it as a UTC timestamp
        -- (the session time zone is UTC, see profiles.yml).
        {{ utc_timestamp_from_text('bucket_start_text') }} as bucket_started_at,
        {{ utc_timestamp_from_text('bucket_end_text') }} as bucket_ended_at,

        -- A NULL workspace_id in a pull grouped by workspace is the organisation's default
        -- workspace; an empty bucket's row belongs to no workspace at all.
        case when not is_empty_bucket then coalesce(workspace_id, 'default') end as workspace_key,

        -- Canonical token types. Anthropic's uncached_input_tokens already EXCLUDES cache reads
        -- and cache writes, so it stays as sent; cache writes are the 5-minute and 1-hour writes.
        coalesce(uncached_input_tokens, 0) as uncached_input_tokens_canonical,
        coalesce(cache_read_input_tokens, 0) as cache_read_tokens,
        coalesce(cache_creation_ephemeral_5m_input_tokens, 0) as cache_write_5m_tokens,
        coalesce(cache_creation_ephemeral_1h_input_tokens, 0) as cache_write_1h_tokens,
        coalesce(cache_creation_ephemeral_5m_input_tokens, 0)
        + coalesce(cache_creation_ephemeral_1h_input_tokens, 0) as cache_write_tokens,
        coalesce(output_tokens_sent, 0) as output_tokens,
        -- Extended-thinking tokens are billed as output and not reported apart from it.
        cast(null as bigint) as reasoning_tokens,
        coalesce(server_tool_use_web_search_requests, 0) as web_search_requests

    from renamed

),

final as (

    select
        bucket_started_at,
        bucket_ended_at,
        cast(bucket_started_at as date) as bucket_date,
        is_empty_bucket,
        api_key_id,
        workspace_key as workspace_id,
        account_id,
        service_account_id,
        model,
        service_tier,
        context_window,
        inference_geo,
        uncached_input_tokens_canonical as uncached_input_tokens,
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

    from converted

)

select * from final
