{#-
    What the gateway and the telemetry estimated against what the provider billed, per provider, day and
    canonical model, with the gap (billed minus the gateway's estimate) split into the causes the data
    can show. The causes add up to the gap exactly:

    - traffic_not_via_gateway: billed cost on credentials that are not the gateway's (direct callers).
    - price_table_drift: the gateway priced input, cache reads and output from its own price table;
      this is the billed-minus-estimated difference that table makes against the provider's list price
      of the day (negative when the gateway's table still holds a price the provider has cut).
    - cache_and_batch_pricing: cache writes the gateway priced differently from the provider (a gateway
      with no cache-write price charges them as plain input), plus the Batch API discount the provider
      applied to calls the gateway priced at the standard rate.
    - rounding: what remains of the gateway credential's bill after the above: provider rounding, and
      anything the data cannot explain (gateway calls never logged). Large values deserve a look.

    List prices stand in for the provider's billed unit prices (providers bill at list without a
    negotiated rate; Anthropic's cost report has no token counts to derive unit prices from).
-#}
-- FOCUS's own PascalCase column names beside snake_case ones.
-- noqa: disable=CP02
with

requests as (

    select * from {{ ref('int_gateway_requests_allocated') }}

),

ledger_rows as (

    select * from {{ ref('focus_cost_and_usage') }}
    where x_IsAiSpend and x_SourceSystem <> 'seats'

),

gateway_credentials as (

    select distinct credential_id from {{ ref('int_reference_credentials_deduplicated') }}
    where allocation = 'gateway_traffic'

),

ledger as (

    select
        ledger_rows.*,
        gateway_credentials.credential_id is not null as is_gateway_credential
    from ledger_rows
    left join gateway_credentials on ledger_rows.x_CredentialId = gateway_credentials.credential_id

),

telemetry as (

    select * from {{ ref('int_telemetry_model_calls_matched') }}

),

list_prices as (

    select * from {{ ref('int_list_prices_dated') }}

),

gateway_daily as (

    select
        provider,
        request_date as usage_date,
        model_id,
        count(*) as gateway_requests,
        sum(gateway_cost_usd) as gateway_estimate_usd,
        sum(list_cost_usd) as gateway_tokens_at_list_usd,
        -- What the gateway charged per token type, with LiteLLM's fallback to the input price where
        -- its table has no cache price, against the same tokens at the provider's list price.
        sum(
            (
                uncached_input_tokens * (gateway_input_usd_per_mtok - list_input_usd_per_mtok)
                + cache_read_tokens
                * (
                    coalesce(gateway_cache_read_usd_per_mtok, gateway_input_usd_per_mtok)
                    - list_cache_read_usd_per_mtok
                )
                + (output_tokens + reasoning_tokens)
                * (gateway_output_usd_per_mtok - list_output_usd_per_mtok)
            ) * 0.000001
        ) as gateway_overprice_usd,
        sum(
            cache_write_tokens
            * (
                coalesce(gateway_cache_write_usd_per_mtok, gateway_input_usd_per_mtok)
                - list_cache_write_usd_per_mtok
            )
            * 0.000001
        ) as gateway_cache_overprice_usd
    from requests
    group by provider, request_date, model_id

),

billed_daily as (

    select
        x_Provider as provider,
        x_ChargeDate as usage_date,
        coalesce(x_Model, 'unattributed') as model_id,
        sum(BilledCost) as billed_usd,
        sum(case when is_gateway_credential then BilledCost else 0 end) as billed_via_gateway_usd,
        -- The Batch API discount on the gateway's credential: billed batch tokens at the standard list
        -- price minus what was billed for them.
        sum(case when x_IsBatch and x_AllocationRule = 'gateway_traffic_share' then BilledCost else 0 end)
            as billed_batch_via_gateway_usd
    from ledger
    group by x_Provider, x_ChargeDate, coalesce(x_Model, 'unattributed')

),

batch_tokens_daily as (

    select
        ledger.x_Provider as provider,
        ledger.x_ChargeDate as usage_date,
        ledger.x_Model as model_id,
        sum(
            ledger.ConsumedQuantity
            * case ledger.x_TokenType
                when 'uncached_input' then list_prices.input_usd_per_mtok
                when 'cache_read' then list_prices.cache_read_usd_per_mtok
                when 'cache_write' then list_prices.cache_write_usd_per_mtok
                when 'output' then list_prices.output_usd_per_mtok
            end
            * 0.000001
        ) as batch_tokens_at_standard_usd
    from ledger
    inner join list_prices
        on
            ledger.x_Provider = list_prices.provider
            and ledger.x_Model = list_prices.model_id
            and ledger.x_ChargeDate >= list_prices.valid_from
            and ledger.x_ChargeDate < list_prices.valid_to
    where
        ledger.x_IsBatch
        and ledger.x_AllocationRule = 'gateway_traffic_share'
        and ledger.ConsumedUnit = 'Tokens'
    group by ledger.x_Provider, ledger.x_ChargeDate, ledger.x_Model

),

telemetry_daily as (

    select
        provider,
        call_date as usage_date,
        model_id,
        count(*) as telemetry_calls,
        sum(list_cost_usd) as telemetry_estimate_usd
    from telemetry
    group by provider, call_date, model_id

),

keys as (

    select
        provider,
        usage_date,
        model_id
    from gateway_daily
    union
    select
        provider,
        usage_date,
        model_id
    from billed_daily
    union
    select
        provider,
        usage_date,
        model_id
    from telemetry_daily

),

joined as (

    select
        keys.provider,
        keys.usage_date,
        keys.model_id,
        coalesce(gateway_daily.gateway_requests, 0) as gateway_requests,
        coalesce(telemetry_daily.telemetry_calls, 0) as telemetry_calls,
        coalesce(gateway_daily.gateway_estimate_usd, 0) as gateway_estimate_usd,
        telemetry_daily.telemetry_estimate_usd,
        coalesce(billed_daily.billed_usd, 0) as billed_usd,
        coalesce(billed_daily.billed_via_gateway_usd, 0) as billed_via_gateway_usd,
        coalesce(billed_daily.billed_batch_via_gateway_usd, 0) as billed_batch_via_gateway_usd,
        coalesce(batch_tokens_daily.batch_tokens_at_standard_usd, 0) as batch_tokens_at_standard_usd,
        coalesce(gateway_daily.gateway_overprice_usd, 0) as gateway_overprice_usd,
        coalesce(gateway_daily.gateway_cache_overprice_usd, 0) as gateway_cache_overprice_usd
    from keys
    left join gateway_daily
        on
            keys.provider = gateway_daily.provider
            and keys.usage_date = gateway_daily.usage_date
            and keys.model_id = gateway_daily.model_id
    left join billed_daily
        on
            keys.provider = billed_daily.provider
            and keys.usage_date = billed_daily.usage_date
            and keys.model_id = billed_daily.model_id
    left join batch_tokens_daily
        on
            keys.provider = batch_tokens_daily.provider
            and keys.usage_date = batch_tokens_daily.usage_date
            and keys.model_id = batch_tokens_daily.model_id
    left join telemetry_daily
        on
            keys.provider = telemetry_daily.provider
            and keys.usage_date = telemetry_daily.usage_date
            and keys.model_id = telemetry_daily.model_id

),

explained as (

    select
        *,
        billed_usd - gateway_estimate_usd as gap_usd,
        billed_usd - billed_via_gateway_usd as traffic_not_via_gateway_usd,
        -gateway_overprice_usd as price_table_drift_usd,
        -gateway_cache_overprice_usd + (billed_batch_via_gateway_usd - batch_tokens_at_standard_usd)
            as cache_and_batch_pricing_usd
    from joined

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'provider', "'|'", dbt.safe_cast('usage_date', dbt.type_string()), "'|'", 'model_id'
        ])) }} as reconciliation_id,
        provider,
        usage_date,
        model_id,
        cast(gateway_requests as bigint) as gateway_requests,
        cast(telemetry_calls as bigint) as telemetry_calls,
        cast(gateway_estimate_usd as decimal(38, 10)) as gateway_estimate_usd,
        cast(telemetry_estimate_usd as decimal(38, 10)) as telemetry_estimate_usd,
        cast(billed_usd as decimal(38, 10)) as billed_usd,
        cast(gap_usd as decimal(38, 10)) as gap_usd,
        cast(traffic_not_via_gateway_usd as decimal(38, 10)) as traffic_not_via_gateway_usd,
        cast(price_table_drift_usd as decimal(38, 10)) as price_table_drift_usd,
        cast(cache_and_batch_pricing_usd as decimal(38, 10)) as cache_and_batch_pricing_usd,
        cast(
            gap_usd - traffic_not_via_gateway_usd - price_table_drift_usd - cache_and_batch_pricing_usd
            as decimal(38, 10)
        ) as rounding_usd,
        'USD' as currency
    from explained

)

select * from final
