{#-
    One row per FOCUS charge row of each delivery, from any provider's FOCUS 1.0 to 1.2 export (and
    the AI columns of the 1.3 draft). Renamed to snake_case; money to DECIMAL(38, 10) in the billing
    currency; for token charges, the canonical token type, the model, the token count and the list
    price per million tokens, whatever block the PricingUnit prices ("1000000 Tokens", "1000
    Tokens", "1K Tokens", "1M"). Not deduplicated: an export re-delivered until its billing period
    closes appears once per delivery until `int_focus_charges_deduplicated`. FOCUS's PascalCase
    columns are named in lower case here: DuckDB and Spark both resolve unquoted names
    case-insensitively, and unquoted names need no engine-specific quoting.
-#}
with

source as (

    select * from {{ source('focus', 'charges') }}

),

renamed as (

    select
        billingaccountid as billing_account_id,
        billingaccountname as billing_account_name,
        billingaccounttype as billing_account_type,
        subaccountid as sub_account_id,
        subaccountname as sub_account_name,
        subaccounttype as sub_account_type,
        -- FOCUS 1.3 splits ProviderName into ServiceProviderName and HostProviderName.
        coalesce(providername, serviceprovidername) as provider_name,
        publishername as publisher_name,
        invoiceissuername as invoice_issuer_name,
        hostprovidername as host_provider_name,
        invoiceid as invoice_id,
        billingperiodstart as billing_period_started_at,
        billingperiodend as billing_period_ended_at,
        chargeperiodstart as charge_period_started_at,
        chargeperiodend as charge_period_ended_at,
        chargecategory as charge_category,
        chargeclass as charge_class,
        chargedescription as charge_description,
        chargefrequency as charge_frequency,
        servicecategory as service_category,
        servicesubcategory as service_subcategory,
        servicename as service_name,
        resourceid as resource_id,
        resourcename as resource_name,
        resourcetype as resource_type,
        regionid as region_id,
        regionname as region_name,
        availabilityzone as availability_zone,
        skuid as sku_id,
        skupriceid as sku_price_id,
        skumeter as sku_meter,
        skupricedetails as sku_price_details,
        skupricedetails_modelid as sku_model_id,
        skupricedetails_tokendirection as sku_token_direction,
        skupricedetails_tokencacheaction as sku_token_cache_action,
        pricingcategory as pricing_category,
        pricingunit as pricing_unit,
        pricingquantity as pricing_quantity,
        consumedunit as consumed_unit,
        consumedquantity as consumed_quantity,
        billingcurrency as billing_currency,
        billedcost,
        effectivecost,
        listcost,
        contractedcost,
        listunitprice as list_unit_price,
        contractedunitprice as contracted_unit_price,
        commitmentdiscountid as commitment_discount_id,
        commitmentdiscountname as commitment_discount_name,
        commitmentdiscountcategory as commitment_discount_category,
        commitmentdiscounttype as commitment_discount_type,
        commitmentdiscountstatus as commitment_discount_status,
        credentialid as credential_id,
        principalid as principal_id,
        tags,
        tags_team as team_tag,
        tags_workflow as workflow_tag,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

),

classified as (

    select
        *,
        coalesce(lower(consumed_unit) like '%token%' or lower(pricing_unit) like '%token%', false)
            as is_token_charge,
        lower(coalesce(sku_meter, charge_description)) as meter_text,
        -- "1000000 Tokens" and "1M" price a million tokens per unit, "1K Tokens" a thousand.
        upper({{ dbt.split_part('pricing_unit', "' '", 1) }}) as pricing_unit_quantity

    from renamed

),

token_typed as (

    select
        *,
        -- The draft's SkuPriceDetails say it outright; otherwise the meter does ("cached Inp",
        -- "Cache Write Input Tokens", "Outp glbl Tokens", "Input Tokens").
        case
            when not is_token_charge then null
            when sku_token_cache_action = 'Read' then 'cache_read'
            when sku_token_cache_action = 'Write' then 'cache_write'
            when sku_token_direction = 'Output' then 'output'
            when sku_token_direction = 'Input' then 'uncached_input'
            when meter_text like '%cache%write%' or meter_text like '%cache%creat%' then 'cache_write'
            when meter_text like '%cache%' then 'cache_read'
            when meter_text like '%outp%' then 'output'
            when meter_text like '%inp%' then 'uncached_input'
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
        end as pricing_unit_block_size,
        -- Azure meters name the model before the token words: "gpt 4.1 cached Inp glbl".
        regexp_replace(lower(sku_meter), '[ -]+(cached[ -]+)?(inp|input|outp|output)([ -].*)?$', '')
            as meter_model

    from classified

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "coalesce(billing_account_id, '')",
            "'|'", "coalesce(provider_name, '')",
            "'|'", "coalesce(sub_account_id, '')",
            "'|'", "coalesce(cast(charge_period_started_at as " ~ dbt.type_string() ~ "), '')",
            "'|'", "coalesce(cast(charge_period_ended_at as " ~ dbt.type_string() ~ "), '')",
            "'|'", "coalesce(charge_category, '')",
            "'|'", "coalesce(charge_class, '')",
            "'|'", "coalesce(charge_description, '')",
            "'|'", "coalesce(resource_id, '')",
            "'|'", "coalesce(sku_id, '')",
            "'|'", "coalesce(sku_price_id, '')",
            "'|'", "coalesce(sku_meter, '')",
            "'|'", "coalesce(pricing_category, '')",
            "'|'", "coalesce(pricing_unit, '')",
            "'|'", "coalesce(commitment_discount_id, '')",
        ])) }} as charge_key,
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
        cast(billing_period_started_at as date) as billing_period_start_date,
        cast(billing_period_ended_at as date) as billing_period_end_date,
        charge_period_started_at,
        charge_period_ended_at,
        cast(charge_period_started_at as date) as charge_date,
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
        cast(pricing_quantity as decimal(38, 18)) as pricing_quantity,
        consumed_unit,
        cast(consumed_quantity as decimal(38, 18)) as consumed_quantity,
        token_type is not null as is_ai_model_usage,
        case
            when token_type is null then null
            when sku_model_id is not null then sku_model_id
            when meter_model <> lower(sku_meter) then meter_model
        end as model_name,
        token_type,
        case
            when token_type is not null
                then cast(coalesce(
                    case when lower(consumed_unit) like '%token%' then consumed_quantity end,
                    pricing_quantity * pricing_unit_block_size
                ) as bigint)
        end as token_count,
        cast(billedcost as decimal(38, 10)) as billed_cost,
        cast(effectivecost as decimal(38, 10)) as effective_cost,
        cast(listcost as decimal(38, 10)) as list_cost,
        cast(contractedcost as decimal(38, 10)) as contracted_cost,
        billing_currency,
        cast(list_unit_price as decimal(38, 18)) as list_unit_price,
        cast(contracted_unit_price as decimal(38, 18)) as contracted_unit_price,
        case
            when token_type is not null
                then cast(list_unit_price * 1000000 / pricing_unit_block_size as decimal(38, 10))
        end as list_price_per_mtok,
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
        -- The delivery a file belongs to: its path without a part number (-00001) and extensions.
        regexp_replace(source_file, '(-[0-9]{5})?([.][A-Za-z0-9]+)+$', '') as delivery_id,
        source_file,
        source_row_number,
        load_id,
        _loaded_at

    from token_typed

)

select * from final
