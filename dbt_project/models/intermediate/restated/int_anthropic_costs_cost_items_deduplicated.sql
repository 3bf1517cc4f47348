{#-
    One row per cost result of a day, from the newest delivery of that result. The daily pull
    sends today's bucket partial and restates it complete the next morning; within a restatement
    unit (the day and every field the line is grouped or described by) the newest load wins. Rows
    standing for an empty bucket carry no cost and are dropped after the restatement.
-#}
with

restated as (

    {{ latest_export(ref('stg_anthropic_costs__cost_items'), [
        'bucket_started_at',
        'workspace_id',
        'description',
        'cost_type',
        'token_type',
        'model',
        'service_tier',
        'context_window',
        'inference_geo',
    ]) }}

),

final as (

    select
        {{ dbt.concat([
            dbt.string_literal('anthropic_cost|'),
            "cast(bucket_started_at as " ~ dbt.type_string() ~ ")",
            "'|'", "coalesce(workspace_id, '')",
            "'|'", "coalesce(description, '')",
            "'|'", "coalesce(cost_type, '')",
            "'|'", "coalesce(token_type, '')",
            "'|'", "coalesce(model, '')",
            "'|'", "coalesce(service_tier, '')",
            "'|'", "coalesce(context_window, '')",
            "'|'", "coalesce(inference_geo, '')",
        ]) }} as cost_item_id,
        bucket_started_at,
        bucket_ended_at,
        bucket_date,
        workspace_id,
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

    from restated
    where not is_empty_bucket

)

select * from final
