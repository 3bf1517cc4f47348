{#-
    One row per cost result of a daily bucket, from the newest delivery of that result. Each daily
    pull re-sends yesterday's bucket complete after sending it partial; within a restatement unit
    the newest load wins.
-#}
with

restated as (

    {{ latest_export(ref('stg_openai_costs__line_items'), [
        'bucket_started_at',
        'project_id',
        'line_item',
        'api_key_id',
    ]) }}

),

final as (

    select
        {{ dbt.concat([
            dbt.string_literal('openai|'),
            "cast(bucket_started_at as " ~ dbt.type_string() ~ ")",
            "'|'", "coalesce(project_id, '')",
            "'|'", "coalesce(line_item, '')",
            "'|'", "coalesce(api_key_id, '')",
        ]) }} as line_item_id,
        bucket_started_at,
        bucket_ended_at,
        bucket_date,
        organization_id,
        organization_name,
        project_id,
        api_key_id,
        line_item,
        billed_cost,
        billing_currency,
        quantity,
        quantity_unit,
        billed_tokens,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from restated

)

select * from final
