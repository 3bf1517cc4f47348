{#-
    One row per cost result of one daily bucket of the cost report. Cents become dollars once,
    exactly; RFC 3339 bucket times become UTC timestamps; token types get their canonical name.
    Not deduplicated: a day delivered partial and then complete appears once per delivery
    (int_anthropic_costs_cost_items_deduplicated keeps one).
-#}
with

source as (

    select * from {{ source('anthropic_costs', 'cost_report') }}

),

renamed as (

    select
        starting_at as bucket_start_text,
        ending_at as bucket_end_text,
        coalesce(is_empty_bucket, false) as is_empty_bucket,
        workspace_id,
        description,
        cost_type,
        token_type,
        model,
        service_tier,
        context_window,
        inference_geo,
        amount as amount_cents,
        currency,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

),

converted as (

    select
        *,
        -- RFC 3339 text carries its offset: read it as an instant, keep it as a UTC timestamp.
        {{ utc_timestamp_from_text('bucket_start_text') }} as bucket_started_at,
        {{ utc_timestamp_from_text('bucket_end_text') }} as bucket_ended_at,
        -- NULL is the default workspace (pulls group by workspace_id); an empty bucket has none.
        case when not is_empty_bucket then coalesce(workspace_id, 'default') end as workspace_key,
        -- amount is in the lowest currency unit (cents): to dollars once, exactly (multiplying by
        -- 0.01 stays DECIMAL; dividing by 100 would go through DOUBLE).
        cast(amount_cents * 0.01 as decimal(38, 10)) as billed_cost,
        upper(currency) as billing_currency,
        case token_type
            when 'uncached_input_tokens' then 'uncached_input'
            when 'cache_read_input_tokens' then 'cache_read'
            when 'cache_creation.ephemeral_5m_input_tokens' then 'cache_write'
            when 'cache_creation.ephemeral_1h_input_tokens' then 'cache_write'
            when 'output_tokens' then 'output'
        end as canonical_token_type,
        case token_type
            when 'cache_creation.ephemeral_5m_input_tokens' then '5m'
            when 'cache_creation.ephemeral_1h_input_tokens' then '1h'
        end as cache_write_ttl

    from renamed

),

final as (

    select
        bucket_started_at,
        bucket_ended_at,
        cast(bucket_started_at as date) as bucket_date,
        is_empty_bucket,
        workspace_key as workspace_id,
        description,
        cost_type,
        token_type,
        canonical_token_type,
        cache_write_ttl,
        model,
        service_tier,
        context_window,
        inference_geo,
        amount_cents,
        billed_cost,
        billing_currency,
        source_file,
        source_row_number,
        load_id,
        _loaded_at

    from converted

)

select * from final
