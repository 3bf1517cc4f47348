{#-
    Every cost line of every billing source, in one FOCUS-shaped form, before allocation: OpenAI and
    Anthropic cost reports, AWS CUR (every line, AI or not), FOCUS exports, and seat licences. Only
    the newest delivery of each restatement unit is here (the `_deduplicated` models); amounts are the
    source's own, already converted to DECIMAL(38, 10) in staging. Each line keeps what allocation
    needs: the credential that incurred it, its cost-allocation tags, its model and token type.
-#}
{%- set month_start = "cast(" ~ dbt.date_trunc('month', 'bucket_date') ~ " as "
    ~ dbt.type_timestamp() ~ ")" -%}
{%- set next_month = dbt.dateadd('month', 1, month_start) -%}
with

openai_costs as (

    select * from {{ ref('int_openai_costs_line_items_deduplicated') }}

),

anthropic_costs as (

    select * from {{ ref('int_anthropic_costs_cost_items_deduplicated') }}

),

aws_cur as (

    select * from {{ ref('int_aws_cur_line_items_deduplicated') }}

),

focus_charges as (

    select * from {{ ref('int_focus_charges_deduplicated') }}

),

seat_charges as (

    select * from {{ ref('int_seat_charges_monthly') }}

),

openai_lines as (

    select
        {{ dbt.concat(["'openai_costs|'", "line_item_id"]) }} as billing_line_id,
        'openai_costs' as source_system,
        organization_id as billing_account_id,
        coalesce(organization_name, organization_id) as billing_account_name,
        project_id as sub_account_id,
        project_id as sub_account_name,
        'OpenAI' as provider_name,
        'OpenAI' as publisher_name,
        'OpenAI' as invoice_issuer_name,
        {{ month_start }} as billing_period_start,
        {{ next_month }} as billing_period_end,
        bucket_started_at as charge_period_start,
        bucket_ended_at as charge_period_end,
        bucket_date as charge_date,
        'Usage' as charge_category,
        'Usage-Based' as charge_frequency,
        line_item as charge_description,
        'OpenAI API' as service_name,
        line_item as sku_id,
        billed_tokens as consumed_quantity,
        case when billed_tokens is not null then 'Tokens' else quantity_unit end as consumed_unit,
        billed_cost,
        billed_cost as effective_cost,
        billed_cost as list_cost,
        billed_cost as contracted_cost,
        billing_currency,
        cast(null as {{ dbt.type_string() }}) as region_id,
        cast(null as {{ dbt.type_string() }}) as resource_id,
        cast(null as {{ dbt.type_string() }}) as tags,
        'openai' as provider,
        case when line_item like '%,%' then trim({{ dbt.split_part('line_item', "','", 1) }}) end
            as source_model,
        case
            when line_item like '%cached input%' then 'cache_read'
            when line_item like '%cache write%' then 'cache_write'
            when line_item like '%, input%' or line_item like '%batch input%' then 'uncached_input'
            when line_item like '%output%' then 'output'
        end as token_type,
        line_item like '%batch%' as is_batch,
        case when api_key_id is not null then 'openai_api_key' else 'openai_project' end as credential_type,
        coalesce(api_key_id, project_id) as credential_id,
        cast(null as {{ dbt.type_string() }}) as team_tag,
        cast(null as {{ dbt.type_string() }}) as workflow_tag,
        cast(null as {{ dbt.type_string() }}) as tool_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as {{ dbt.type_string() }}) as seat_team_id,
        true as is_ai_spend,
        source_file,
        source_row_number,
        load_id
    from openai_costs

),

anthropic_lines as (

    select
        {{ dbt.concat(["'anthropic_costs|'", "cost_item_id"]) }} as billing_line_id,
        'anthropic_costs' as source_system,
        'anthropic' as billing_account_id,
        'Anthropic' as billing_account_name,
        workspace_id as sub_account_id,
        workspace_id as sub_account_name,
        'Anthropic' as provider_name,
        'Anthropic' as publisher_name,
        'Anthropic' as invoice_issuer_name,
        {{ month_start }} as billing_period_start,
        {{ next_month }} as billing_period_end,
        bucket_started_at as charge_period_start,
        bucket_ended_at as charge_period_end,
        bucket_date as charge_date,
        'Usage' as charge_category,
        'Usage-Based' as charge_frequency,
        description as charge_description,
        'Claude API' as service_name,
        description as sku_id,
        cast(null as decimal(38, 10)) as consumed_quantity,
        cast(null as {{ dbt.type_string() }}) as consumed_unit,
        billed_cost,
        billed_cost as effective_cost,
        billed_cost as list_cost,
        billed_cost as contracted_cost,
        billing_currency,
        inference_geo as region_id,
        cast(null as {{ dbt.type_string() }}) as resource_id,
        cast(null as {{ dbt.type_string() }}) as tags,
        'anthropic' as provider,
        model as source_model,
        canonical_token_type as token_type,
        coalesce(service_tier = 'batch', false) as is_batch,
        'anthropic_workspace' as credential_type,
        workspace_id as credential_id,
        cast(null as {{ dbt.type_string() }}) as team_tag,
        cast(null as {{ dbt.type_string() }}) as workflow_tag,
        cast(null as {{ dbt.type_string() }}) as tool_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as {{ dbt.type_string() }}) as seat_team_id,
        true as is_ai_spend,
        source_file,
        source_row_number,
        load_id
    from anthropic_costs

),

aws_lines as (

    select
        {{ dbt.concat(["'aws_cur|'", "line_item_key"]) }} as billing_line_id,
        'aws_cur' as source_system,
        payer_account_id as billing_account_id,
        coalesce(payer_account_name, payer_account_id) as billing_account_name,
        usage_account_id as sub_account_id,
        coalesce(usage_account_name, usage_account_id) as sub_account_name,
        'AWS' as provider_name,
        case when is_bedrock_marketplace then 'AWS Marketplace' else 'AWS' end as publisher_name,
        coalesce(invoicing_entity, 'AWS') as invoice_issuer_name,
        cast(billing_period_start_date as {{ dbt.type_timestamp() }}) as billing_period_start,
        cast(billing_period_end_date as {{ dbt.type_timestamp() }}) as billing_period_end,
        usage_started_at as charge_period_start,
        usage_ended_at as charge_period_end,
        usage_date as charge_date,
        case
            when line_item_type in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage') then 'Usage'
            when line_item_type = 'Tax' then 'Tax'
            when line_item_type in ('Credit', 'Refund', 'BundledDiscount', 'EdpDiscount') then 'Credit'
            when line_item_type in ('Fee', 'RIFee', 'SavingsPlanRecurringFee', 'SavingsPlanUpfrontFee')
                then 'Purchase'
            else 'Adjustment'
        end as charge_category,
        case
            when line_item_type in ('Fee', 'RIFee', 'SavingsPlanUpfrontFee') then 'One-Time'
            when line_item_type = 'SavingsPlanRecurringFee' then 'Recurring'
            else 'Usage-Based'
        end as charge_frequency,
        coalesce(line_item_description, usage_type) as charge_description,
        coalesce(product_name, product_code) as service_name,
        coalesce(sku, usage_type) as sku_id,
        usage_amount as consumed_quantity,
        pricing_unit as consumed_unit,
        unblended_cost_usd as billed_cost,
        coalesce(net_unblended_cost_usd, unblended_cost_usd) as effective_cost,
        coalesce(public_on_demand_cost_usd, unblended_cost_usd) as list_cost,
        unblended_cost_usd as contracted_cost,
        currency_code as billing_currency,
        region_code as region_id,
        resource_id,
        {{ dbt.safe_cast('resource_tags', dbt.type_string()) }} as tags,
        'bedrock' as provider,
        case when is_ai_model_usage then model_name end as source_model,
        token_type,
        false as is_batch,
        case when iam_principal_arn is not null then 'aws_iam_principal' end as credential_type,
        iam_principal_arn as credential_id,
        team_tag,
        workflow_tag,
        cast(null as {{ dbt.type_string() }}) as tool_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as {{ dbt.type_string() }}) as seat_team_id,
        coalesce(is_ai_service, false) or coalesce(is_ai_model_usage, false) as is_ai_spend,
        source_file,
        source_row_number,
        load_id
    from aws_cur

),

focus_lines as (

    select
        {{ dbt.concat(["'focus|'", "charge_key"]) }} as billing_line_id,
        'focus' as source_system,
        billing_account_id,
        billing_account_name,
        sub_account_id,
        sub_account_name,
        provider_name,
        publisher_name,
        invoice_issuer_name,
        cast(billing_period_start_date as {{ dbt.type_timestamp() }}) as billing_period_start,
        cast(billing_period_end_date as {{ dbt.type_timestamp() }}) as billing_period_end,
        charge_period_started_at as charge_period_start,
        charge_period_ended_at as charge_period_end,
        charge_date,
        charge_category,
        charge_frequency,
        charge_description,
        service_name,
        sku_id,
        consumed_quantity,
        consumed_unit,
        billed_cost,
        effective_cost,
        list_cost,
        contracted_cost,
        billing_currency,
        region_id,
        resource_id,
        {{ dbt.safe_cast('Tags', dbt.type_string()) }} as tags,
        {{ focus_provider('provider_name') }} as provider,
        case when is_ai_model_usage then model_name end as source_model,
        token_type,
        false as is_batch,
        case when resource_id is not null then 'azure_resource' end as credential_type,
        resource_id as credential_id,
        team_tag,
        workflow_tag,
        cast(null as {{ dbt.type_string() }}) as tool_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as {{ dbt.type_string() }}) as seat_team_id,
        coalesce(is_ai_model_usage, false) or service_category = 'AI and Machine Learning' as is_ai_spend,
        source_file,
        source_row_number,
        load_id
    from focus_charges

),

seat_lines as (

    select
        {{ dbt.concat(["'seats|'", "seat_charge_id"]) }} as billing_line_id,
        'seats' as source_system,
        vendor as billing_account_id,
        vendor as billing_account_name,
        tool_id as sub_account_id,
        tool_name as sub_account_name,
        vendor as provider_name,
        vendor as publisher_name,
        vendor as invoice_issuer_name,
        cast(charge_month_start as {{ dbt.type_timestamp() }}) as billing_period_start,
        cast(charge_month_end as {{ dbt.type_timestamp() }}) as billing_period_end,
        cast(charge_month_start as {{ dbt.type_timestamp() }}) as charge_period_start,
        cast(charge_month_end as {{ dbt.type_timestamp() }}) as charge_period_end,
        charge_month_start as charge_date,
        'Purchase' as charge_category,
        'Recurring' as charge_frequency,
        {{ dbt.concat(["tool_name", "' seat, '", "holder_id"]) }} as charge_description,
        tool_name as service_name,
        tool_id as sku_id,
        cast(seat_days as decimal(38, 10)) as consumed_quantity,
        'Seat-days' as consumed_unit,
        billed_cost,
        billed_cost as effective_cost,
        billed_cost as list_cost,
        billed_cost as contracted_cost,
        currency as billing_currency,
        cast(null as {{ dbt.type_string() }}) as region_id,
        cast(null as {{ dbt.type_string() }}) as resource_id,
        cast(null as {{ dbt.type_string() }}) as tags,
        tool_id as provider,
        cast(null as {{ dbt.type_string() }}) as source_model,
        cast(null as {{ dbt.type_string() }}) as token_type,
        false as is_batch,
        cast(null as {{ dbt.type_string() }}) as credential_type,
        cast(null as {{ dbt.type_string() }}) as credential_id,
        cast(null as {{ dbt.type_string() }}) as team_tag,
        cast(null as {{ dbt.type_string() }}) as workflow_tag,
        tool_id,
        person_id,
        team_id as seat_team_id,
        true as is_ai_spend,
        source_file,
        source_row_number,
        load_id
    from seat_charges

),

final as (

    select * from openai_lines
    union all
    select * from anthropic_lines
    union all
    select * from aws_lines
    union all
    select * from focus_lines
    union all
    select * from seat_lines

)

select * from final
