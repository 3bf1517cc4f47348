{#-
    One row per FOCUS charge, from the newest delivery of its billing period, billing account and
    provider. Providers re-write a period's whole FOCUS export until it closes, so the newest
    delivery replaces every charge of the unit, including charges it no longer has. A delivery
    split into numbered parts counts as loaded when its last part was, so its parts stay together.
-#}
with

charges as (

    select * from {{ ref('stg_focus__charges') }}

),

delivered as (

    select
        charge_key,
        billing_account_id,
        billing_account_name,
        billing_account_type,
        sub_account_id,
        sub_account_name,
        sub_account_type,
        provider_name,
        publisher_name,
        invoice_issuer_name,
        host_provider_name,
        invoice_id,
        billing_period_start_date,
        billing_period_end_date,
        charge_period_started_at,
        charge_period_ended_at,
        charge_date,
        charge_category,
        charge_class,
        charge_description,
        charge_frequency,
        service_category,
        service_subcategory,
        service_name,
        resource_id,
        resource_name,
        resource_type,
        region_id,
        region_name,
        availability_zone,
        sku_id,
        sku_price_id,
        sku_meter,
        sku_price_details,
        pricing_category,
        pricing_unit,
        pricing_unit_block_size,
        pricing_quantity,
        consumed_unit,
        consumed_quantity,
        is_ai_model_usage,
        model_name,
        token_type,
        token_count,
        billed_cost,
        effective_cost,
        list_cost,
        contracted_cost,
        billing_currency,
        list_unit_price,
        contracted_unit_price,
        list_price_per_mtok,
        commitment_discount_id,
        commitment_discount_name,
        commitment_discount_category,
        commitment_discount_type,
        commitment_discount_status,
        credential_id,
        principal_id,
        tags,
        team_tag,
        workflow_tag,
        delivery_id,
        source_file,
        source_row_number,
        load_id,
        _loaded_at as file_loaded_at,
        max(_loaded_at) over (partition by delivery_id) as _loaded_at

    from charges

),

final as (

    {{ latest_export('delivered', ['billing_period_start_date', 'billing_account_id', 'provider_name']) }}

)

select * from final
