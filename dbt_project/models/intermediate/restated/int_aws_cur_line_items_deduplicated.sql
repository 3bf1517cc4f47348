{#-
    One row per CUR line item, from the newest delivery of its billing period and payer account.
    AWS re-writes a period's whole report until the month closes, so the newest delivery replaces
    every line of the period, including lines a later delivery no longer has. A delivery split into
    numbered parts counts as loaded when its last part was, so its parts stay together.
-#}
with

line_items as (

    select * from {{ ref('stg_aws_cur__line_items') }}

),

delivered as (

    select
        line_item_key,
        line_item_id,
        time_interval,
        billing_period_start_date,
        billing_period_end_date,
        payer_account_id,
        payer_account_name,
        usage_account_id,
        usage_account_name,
        invoice_id,
        bill_type,
        billing_entity,
        invoicing_entity,
        legal_entity,
        line_item_type,
        usage_started_at,
        usage_ended_at,
        usage_date,
        product_code,
        product_name,
        service_code,
        product_family,
        region_code,
        sku,
        usage_type,
        usage_operation,
        availability_zone,
        resource_id,
        iam_principal_arn,
        line_item_description,
        tax_type,
        pricing_term,
        pricing_unit,
        is_ai_service,
        is_bedrock_marketplace,
        is_ai_model_usage,
        model_name,
        token_type,
        token_count,
        usage_amount,
        unblended_rate,
        unblended_usd_per_mtok,
        unblended_cost_usd,
        blended_cost_usd,
        net_unblended_cost_usd,
        public_on_demand_cost_usd,
        currency_code,
        resource_tags,
        cost_category,
        team_tag,
        workflow_tag,
        delivery_id,
        source_file,
        source_row_number,
        load_id,
        _loaded_at as file_loaded_at,
        max(_loaded_at) over (partition by delivery_id) as _loaded_at

    from line_items

),

final as (

    {{ latest_export('delivered', ['billing_period_start_date', 'payer_account_id']) }}

)

select * from final
