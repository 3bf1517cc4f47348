{#-
    Per billing source, month and currency: the ledger's billed cost split two ways. By team:
    unallocated (x_TeamId `unallocated`) or not. By tool: AI spend on a tool in the company's tool
    list (dim_tools), AI spend on none (shadow), and the rest of a cloud bill (non-AI). A seat row
    names its tool (x_ToolId); any other AI row is matched to a listed usage tool by provider and
    model developer (macro usage_tool_matches, seed usage_tool_providers).
-#}
-- FOCUS's own PascalCase column names, which analysts search for.
-- noqa: disable=CP02
with

ledger as (

    select * from {{ ref('focus_cost_and_usage') }}

),

models as (

    select * from {{ ref('dim_models') }}

),

tools as (

    select * from {{ ref('dim_tools') }}

),

tool_providers as (

    select * from {{ ref('usage_tool_providers') }}

),

usage_tool_matches as (

    {{ usage_tool_matches('ledger', 'models', 'tools', 'tool_providers') }}

),

classified as (

    select
        ledger.x_SourceSystem as source_system,
        cast({{ dbt.date_trunc('month', 'ledger.x_ChargeDate') }} as date) as charge_month,
        ledger.BillingCurrency as currency,
        ledger.x_ChargeDate as charge_date,
        ledger.ProviderName as provider_name,
        ledger.BilledCost as billed_cost,
        ledger.x_TeamId = 'unallocated' as is_unallocated,
        case
            when not ledger.x_IsAiSpend then 'non_ai'
            when seat_tools.tool_id is not null or usage_tool_matches.tool_id is not null then 'listed_tool'
            else 'shadow'
        end as spend_class
    from ledger
    left join tools as seat_tools on ledger.x_ToolId = seat_tools.tool_id
    left join usage_tool_matches on ledger.x_LedgerRowId = usage_tool_matches.ledger_row_id

),

summed as (

    select
        source_system,
        charge_month,
        currency,
        max(charge_date) as last_charge_date,
        sum(billed_cost) as billed_cost,
        sum(case when spend_class <> 'non_ai' then billed_cost else 0 end) as ai_billed_cost,
        sum(case when is_unallocated then billed_cost else 0 end) as unallocated_billed_cost,
        sum(case when is_unallocated and spend_class <> 'non_ai' then billed_cost else 0 end)
            as ai_unallocated_billed_cost,
        sum(case when spend_class = 'listed_tool' then billed_cost else 0 end) as listed_tool_billed_cost,
        sum(case when spend_class = 'shadow' then billed_cost else 0 end) as shadow_billed_cost,
        sum(case when spend_class = 'non_ai' then billed_cost else 0 end) as non_ai_billed_cost
    from classified
    group by source_system, charge_month, currency

),

shadow_providers as (

    select
        source_system,
        charge_month,
        currency,
        {{ sorted_string_agg('provider_name', "', '") }} as shadow_providers
    from (
        select distinct
            source_system,
            charge_month,
            currency,
            provider_name
        from classified
        where spend_class = 'shadow'
    ) as shadow_rows
    group by source_system, charge_month, currency

),

final as (

    select
        {{ dbt.concat([
            "summed.source_system", "'|'", "cast(summed.charge_month as " ~ dbt.type_string() ~ ")",
            "'|'", "summed.currency",
        ]) }} as shadow_spend_id,
        summed.source_system,
        summed.charge_month,
        summed.last_charge_date,
        cast(summed.billed_cost as decimal(38, 10)) as billed_cost,
        cast(summed.ai_billed_cost as decimal(38, 10)) as ai_billed_cost,
        cast(summed.unallocated_billed_cost as decimal(38, 10)) as unallocated_billed_cost,
        cast(summed.ai_unallocated_billed_cost as decimal(38, 10)) as ai_unallocated_billed_cost,
        case
            when summed.billed_cost <> 0
                then cast(summed.unallocated_billed_cost as double) / cast(summed.billed_cost as double)
        end as unallocated_share,
        cast(summed.listed_tool_billed_cost as decimal(38, 10)) as listed_tool_billed_cost,
        cast(summed.shadow_billed_cost as decimal(38, 10)) as shadow_billed_cost,
        cast(summed.non_ai_billed_cost as decimal(38, 10)) as non_ai_billed_cost,
        {% for part in ['listed_tool', 'shadow', 'non_ai'] %}
            case
                when summed.billed_cost <> 0
                    then cast(summed.{{ part }}_billed_cost as double) / cast(summed.billed_cost as double)
            end as {{ part }}_share,
        {% endfor %}
        shadow_providers.shadow_providers,
        summed.currency
    from summed
    left join shadow_providers
        on
            summed.source_system = shadow_providers.source_system
            and summed.charge_month = shadow_providers.charge_month
            and summed.currency = shadow_providers.currency

)

select * from final
