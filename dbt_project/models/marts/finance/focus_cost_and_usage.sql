{#-
    The ledger: every cost row of every billing source in FOCUS 1.2 form, with FOCUS's own column names,
    allocated to a team and workflow. One row per billing line and allocation part: a gateway bill line
    split across three teams is three rows whose costs add up exactly to the line. `x_` columns are
    aispend's extensions: where the row came from, the canonical model and token type, and how it was
    allocated. Gateway estimates are not billed cost and are not here (see fct_billing_reconciliation).
-#}
-- FOCUS's own PascalCase column names, which analysts search for, beside snake_case ones.
-- noqa: disable=CP02
with

allocated as (

    select * from {{ ref('int_billing_lines_allocated') }}

),

final as (

    select
        cast(null as {{ dbt.type_string() }}) as AvailabilityZone,
        allocated_billed_cost as BilledCost,
        billing_account_id as BillingAccountId,
        billing_account_name as BillingAccountName,
        cast(null as {{ dbt.type_string() }}) as BillingAccountType,
        billing_currency as BillingCurrency,
        billing_period_end as BillingPeriodEnd,
        billing_period_start as BillingPeriodStart,
        cast(null as {{ dbt.type_string() }}) as CapacityReservationId,
        cast(null as {{ dbt.type_string() }}) as CapacityReservationStatus,
        charge_category as ChargeCategory,
        cast(null as {{ dbt.type_string() }}) as ChargeClass,
        charge_description as ChargeDescription,
        charge_frequency as ChargeFrequency,
        charge_period_end as ChargePeriodEnd,
        charge_period_start as ChargePeriodStart,
        cast(null as {{ dbt.type_string() }}) as CommitmentDiscountCategory,
        cast(null as {{ dbt.type_string() }}) as CommitmentDiscountId,
        cast(null as {{ dbt.type_string() }}) as CommitmentDiscountName,
        cast(null as decimal(38, 10)) as CommitmentDiscountQuantity,
        cast(null as {{ dbt.type_string() }}) as CommitmentDiscountStatus,
        cast(null as {{ dbt.type_string() }}) as CommitmentDiscountType,
        cast(null as {{ dbt.type_string() }}) as CommitmentDiscountUnit,
        cast(consumed_quantity * allocation_share as decimal(38, 10)) as ConsumedQuantity,
        consumed_unit as ConsumedUnit,
        allocated_contracted_cost as ContractedCost,
        cast(null as decimal(38, 10)) as ContractedUnitPrice,
        allocated_effective_cost as EffectiveCost,
        cast(null as {{ dbt.type_string() }}) as InvoiceId,
        invoice_issuer_name as InvoiceIssuerName,
        allocated_list_cost as ListCost,
        cast(null as decimal(38, 10)) as ListUnitPrice,
        case when charge_category = 'Usage' then 'Standard' end as PricingCategory,
        billing_currency as PricingCurrency,
        cast(null as decimal(38, 10)) as PricingCurrencyContractedUnitPrice,
        allocated_effective_cost as PricingCurrencyEffectiveCost,
        cast(null as decimal(38, 10)) as PricingCurrencyListUnitPrice,
        case
            when
                consumed_unit = 'Tokens'
                then cast(consumed_quantity * allocation_share * 0.000001 as decimal(38, 10))
            else cast(consumed_quantity * allocation_share as decimal(38, 10))
        end as PricingQuantity,
        case when consumed_unit = 'Tokens' then '1000000 Tokens' else consumed_unit end as PricingUnit,
        provider_name as ProviderName,
        publisher_name as PublisherName,
        region_id as RegionId,
        region_id as RegionName,
        resource_id as ResourceId,
        resource_id as ResourceName,
        cast(null as {{ dbt.type_string() }}) as ResourceType,
        case
            when is_ai_spend and source_system = 'seats' then 'Developer Tools'
            when is_ai_spend then 'AI and Machine Learning'
            else 'Other'
        end as ServiceCategory,
        service_name as ServiceName,
        case
            when source_system = 'seats' then 'AI Assistants'
            when is_ai_spend then 'Generative AI'
        end as ServiceSubcategory,
        sku_id as SkuId,
        cast(null as {{ dbt.type_string() }}) as SkuMeter,
        cast(null as {{ dbt.type_string() }}) as SkuPriceDetails,
        cast(null as {{ dbt.type_string() }}) as SkuPriceId,
        sub_account_id as SubAccountId,
        sub_account_name as SubAccountName,
        cast(null as {{ dbt.type_string() }}) as SubAccountType,
        tags as Tags, -- noqa: AL09
        ledger_row_id as x_LedgerRowId,
        billing_line_id as x_BillingLineId,
        source_system as x_SourceSystem,
        source_file as x_SourceFile,
        source_row_number as x_SourceRowNumber,
        load_id as x_LoadId,
        charge_date as x_ChargeDate,
        provider as x_Provider,
        model_id as x_Model,
        source_model as x_SourceModel,
        token_type as x_TokenType,
        is_batch as x_IsBatch,
        is_ai_spend as x_IsAiSpend,
        credential_type as x_CredentialType,
        credential_id as x_CredentialId,
        tool_id as x_ToolId,
        person_id as x_PersonId,
        allocated_team_id as x_TeamId,
        allocated_workflow_id as x_WorkflowId,
        final_allocation_rule as x_AllocationRule,
        allocation_share as x_AllocationShare
    from allocated

)

select * from final
