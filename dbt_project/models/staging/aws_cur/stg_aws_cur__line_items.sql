{#-
    One row per AWS Cost and Usage Report line item, legacy CUR and CUR 2.0 alike (the loader gives
    both CUR 2.0 names). Costs become DECIMAL(38, 10) USD once; Bedrock token lines get their model
    and canonical token type from the usage type (first-party `AmazonBedrock`) or the product name
    (third-party models sold through AWS Marketplace as "<Model> (Amazon Bedrock Edition)"), and
    their token count from the usage amount and pricing unit. Not deduplicated: a billing period
    appears once per delivery until `int_aws_cur_line_items_deduplicated`.
-#}
with

source as (

    select * from {{ source('aws_cur', 'line_items') }}

),

renamed as (

    select
        identity_line_item_id as line_item_id,
        identity_time_interval as time_interval,
        cast(bill_billing_period_start_date as date) as billing_period_start_date,
        cast(bill_billing_period_end_date as date) as billing_period_end_date,
        bill_payer_account_id as payer_account_id,
        bill_payer_account_name as payer_account_name,
        line_item_usage_account_id as usage_account_id,
        line_item_usage_account_name as usage_account_name,
        bill_invoice_id as invoice_id,
        bill_bill_type as bill_type,
        bill_billing_entity as billing_entity,
        bill_invoicing_entity as invoicing_entity,
        line_item_legal_entity as legal_entity,
        line_item_line_item_type as line_item_type,
        line_item_usage_start_date as usage_started_at,
        line_item_usage_end_date as usage_ended_at,
        line_item_product_code as product_code,
        product_product_name as product_name,
        product_servicecode as service_code,
        product_product_family as product_family,
        product_region_code as region_code,
        product_sku as sku,
        line_item_usage_type as usage_type,
        line_item_operation as usage_operation,
        line_item_availability_zone as availability_zone,
        line_item_resource_id as resource_id,
        line_item_iam_principal as iam_principal_arn,
        line_item_line_item_description as line_item_description,
        line_item_tax_type as tax_type,
        pricing_term,
        pricing_unit,
        line_item_usage_amount as usage_amount,
        line_item_unblended_rate as unblended_rate,
        line_item_currency_code as currency_code,
        line_item_unblended_cost,
        line_item_blended_cost,
        line_item_net_unblended_cost,
        pricing_public_on_demand_cost,
        resource_tags,
        cost_category,
        resource_tags_user_team as team_tag,
        resource_tags_user_workflow as workflow_tag,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

),

classified as (

    select
        *,
        lower(usage_type) as usage_type_lower,
        product_code = 'AmazonBedrock' as is_bedrock_first_party,
        -- Anthropic, Meta, Mistral, ... models bill through AWS Marketplace, outside AmazonBedrock.
        coalesce(
            product_name like '%(Amazon Bedrock Edition)%'
            or (usage_type like '%-MP:%' and lower(usage_type) like '%token%'),
            false
        ) as is_bedrock_marketplace,
        -- "1K tokens" prices a thousand tokens per unit; "Tokens" and "Units" one.
        upper({{ dbt.split_part('pricing_unit', "' '", 1) }}) as pricing_unit_quantity

    from renamed

),

token_typed as (

    select
        *,
        -- Cache reads and writes first: their usage types contain "input-token" too. In LIKE, `_`
        -- matches the `-` of first-party usage types and the `_` of Marketplace ones alike.
        case
            when not (is_bedrock_first_party or is_bedrock_marketplace) then null
            when
                usage_type_lower like '%cache_read_input_token%'
                or usage_type_lower like '%cachereadinputtokencount%'
                then 'cache_read'
            when
                usage_type_lower like '%cache_write_input_token%'
                or usage_type_lower like '%cachewriteinputtokencount%'
                then 'cache_write'
            when
                usage_type_lower like '%output_token%'
                or usage_type_lower like '%outputtokencount%'
                then 'output'
            when
                usage_type_lower like '%input_token%'
                or usage_type_lower like '%inputtokencount%'
                then 'uncached_input'
        end as token_type,
        -- The leading number of the pricing unit, with K and M for thousands and millions.
        case
            when pricing_unit_quantity <> '' and translate(pricing_unit_quantity, '0123456789', '') = ''
                then cast(pricing_unit_quantity as decimal(38, 6))
            when translate(pricing_unit_quantity, '0123456789', '') = 'K' and pricing_unit_quantity like '_%K'
                then cast(replace(pricing_unit_quantity, 'K', '') as decimal(38, 6)) * 1000
            when translate(pricing_unit_quantity, '0123456789', '') = 'M' and pricing_unit_quantity like '_%M'
                then cast(replace(pricing_unit_quantity, 'M', '') as decimal(38, 6)) * 1000000
            else 1
        end as tokens_per_pricing_unit

    from classified

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "cast(billing_period_start_date as " ~ dbt.type_string() ~ ")",
            "'|'", "coalesce(payer_account_id, '')",
            "'|'", "coalesce(line_item_id, '')",
            "'|'", "coalesce(time_interval, '')",
        ])) }} as line_item_key,
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
        cast(usage_started_at as date) as usage_date,
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
        is_bedrock_first_party or is_bedrock_marketplace as is_ai_service,
        is_bedrock_marketplace,
        token_type is not null as is_ai_model_usage,
        case
            when token_type is null then null
            when is_bedrock_marketplace
                then trim(replace(product_name, '(Amazon Bedrock Edition)', ''))
            -- USE1-Claude4.5Sonnet-input-tokens: drop the region and the token type.
            else regexp_replace(
                regexp_replace(usage_type, '^[A-Z0-9]+-', ''),
                '-(mantle-)?(cache-read-input|cache-write-input|input|output)-token.*$',
                ''
            )
        end as model_name,
        token_type,
        case
            when token_type is not null
                then cast(usage_amount * tokens_per_pricing_unit as bigint)
        end as token_count,
        cast(usage_amount as decimal(38, 18)) as usage_amount,
        cast(unblended_rate as decimal(38, 18)) as unblended_rate,
        case
            when token_type is not null
                then cast(unblended_rate * 1000000 / tokens_per_pricing_unit as decimal(38, 10))
        end as unblended_usd_per_mtok,
        cast(line_item_unblended_cost as decimal(38, 10)) as unblended_cost_usd,
        cast(line_item_blended_cost as decimal(38, 10)) as blended_cost_usd,
        cast(line_item_net_unblended_cost as decimal(38, 10)) as net_unblended_cost_usd,
        cast(pricing_public_on_demand_cost as decimal(38, 10)) as public_on_demand_cost_usd,
        currency_code,
        resource_tags,
        cost_category,
        team_tag,
        workflow_tag,
        -- The delivery a file belongs to: its path without a CUR part number (-00001) and extensions.
        regexp_replace(source_file, '(-[0-9]{5})?([.][A-Za-z0-9]+)+$', '') as delivery_id,
        source_file,
        source_row_number,
        load_id,
        _loaded_at

    from token_typed

)

select * from final
