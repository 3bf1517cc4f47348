{#-
    One row per cost result of one daily bucket, a line item when the request grouped by line item.
    Dollars stay dollars, cast once to DECIMAL(38, 10) with the currency upper-cased; epoch seconds
    become UTC timestamps. Not deduplicated: restated buckets appear once per delivery.
-#}
with

source as (

    select * from {{ source('openai_costs', 'results') }}

),

renamed as (

    select
        start_time as bucket_start_epoch,
        end_time as bucket_end_epoch,
        organization_id,
        organization_name,
        project_id,
        api_key_id,
        line_item,
        amount_value,
        amount_currency,
        quantity,
        quantity_unit,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

),

converted as (

    select
        *,
        {{ dbt.dateadd('second', 'bucket_start_epoch', "cast('1970-01-01 00:00:00' as timestamp)") }}
            as bucket_started_at,
        {{ dbt.dateadd('second', 'bucket_end_epoch', "cast('1970-01-01 00:00:00' as timestamp)") }}
            as bucket_ended_at,
        -- OpenAI bills in dollars (not cents): only the type and the currency's case change.
        cast(amount_value as decimal(38, 10)) as billed_cost,
        upper(amount_currency) as billing_currency,
        -- Token line items count tokens, or thousands of them.
        cast(
            case quantity_unit
                when 'tokens' then quantity
                when '1000_tokens' then quantity * 1000
            end as bigint
        ) as billed_tokens

    from renamed

),

final as (

    select
        bucket_started_at,
        bucket_ended_at,
        cast(bucket_started_at as date) as bucket_date,
        organization_id,
        organization_name,
        project_id,
        api_key_id,
        line_item,
        billed_cost,
        billing_currency,
        cast(quantity as decimal(38, 10)) as quantity,
        quantity_unit,
        billed_tokens,
        source_file,
        source_row_number,
        load_id,
        _loaded_at

    from converted

)

select * from final
