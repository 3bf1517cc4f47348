{#-
    Token usage as OpenAI's and Anthropic's usage reports state it (the newest delivery of each
    bucket), one row per day bucket and group, with the credential that used it, the team and
    workflow it belongs to, and its cost at the catalogue's list price.

    The credential is the API key, else the project (OpenAI) or workspace (Anthropic). Its team is
    the key's owner on the day in reference/credentials.csv, else the project's or workspace's
    owner, else `unallocated`. A credential whose allocation is `gateway_traffic` is the gateway's
    own: its usage is every team's gateway calls, which the gateway's logs allocate call by call.
    Such rows keep the credential owner's team (who is accountable for the credential, not who made
    the calls) with allocation_rule `gateway_traffic` and is_seen_by_gateway true, so nobody takes
    them for that team's own usage.

    Reasoning: neither report separates reasoning tokens; they are in output_tokens and
    reasoning_tokens is NULL. Batch usage (OpenAI's batch flag, Anthropic's `batch` service tier)
    is priced at the catalogue's batch price; where the catalogue has none (is_batch_price_assumed)
    every token type is at half the standard price, the providers' published Batch discount, and
    where it has one, cache reads and writes keep the standard price (the catalogue gives no batch
    cache price).
-#}
with

openai_usage as (

    select * from {{ ref('int_openai_usage_bucket_results_deduplicated') }}

),

anthropic_usage as (

    select * from {{ ref('int_anthropic_usage_bucket_results_deduplicated') }}

),

credentials as (

    select * from {{ ref('int_reference_credentials_deduplicated') }}

),

model_names as (

    select * from {{ ref('int_model_names_canonicalised') }}

),

list_prices as (

    select * from {{ ref('int_list_prices_dated') }}

),

openai_rows as (

    select
        bucket_result_id as usage_row_id,
        bucket_date as usage_date,
        'openai' as provider,
        model as source_model,
        'openai_api_key' as key_type,
        api_key_id as key_id,
        'openai_project' as container_type,
        project_id as container_id,
        is_batch,
        model_request_count as requests,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        load_id,
        _loaded_at
    from openai_usage
    -- Only results that count tokens: images, audio seconds or vector store bytes are not tokens.
    where input_tokens_total is not null

),

anthropic_rows as (

    select
        bucket_result_id as usage_row_id,
        bucket_date as usage_date,
        'anthropic' as provider,
        model as source_model,
        'anthropic_api_key' as key_type,
        api_key_id as key_id,
        'anthropic_workspace' as container_type,
        workspace_id as container_id,
        coalesce(service_tier = 'batch', false) as is_batch,
        cast(null as bigint) as requests,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        load_id,
        _loaded_at
    from anthropic_usage

),

usage_rows as (

    select * from openai_rows
    union all
    select * from anthropic_rows

),

owned as (

    select
        usage_rows.*,
        coalesce(key_owner.team_id, container_owner.team_id) as owner_team_id,
        coalesce(
            nullif(key_owner.workflow_id, ''), nullif(container_owner.workflow_id, '')
        ) as owner_workflow_id,
        case
            when key_owner.credential_id is not null then key_owner.allocation
            else container_owner.allocation
        end as owner_allocation
    from usage_rows
    left join credentials as key_owner
        on
            usage_rows.key_type = key_owner.credential_type
            and usage_rows.key_id = key_owner.credential_id
            and usage_rows.usage_date >= coalesce(key_owner.valid_from, cast('1900-01-01' as date))
            and (key_owner.valid_to is null or usage_rows.usage_date < key_owner.valid_to)
    left join credentials as container_owner
        on
            usage_rows.container_type = container_owner.credential_type
            and usage_rows.container_id = container_owner.credential_id
            and usage_rows.usage_date >= coalesce(container_owner.valid_from, cast('1900-01-01' as date))
            and (container_owner.valid_to is null or usage_rows.usage_date < container_owner.valid_to)

),

priced as (

    select
        owned.*,
        model_names.model_id,
        case
            when owned.is_batch then list_prices.batch_input_usd_per_mtok
            else list_prices.input_usd_per_mtok
        end as input_usd_per_mtok,
        case
            when owned.is_batch and list_prices.is_batch_price_assumed
                then list_prices.cache_read_usd_per_mtok * 0.5
            else list_prices.cache_read_usd_per_mtok
        end as cache_read_usd_per_mtok,
        case
            when owned.is_batch and list_prices.is_batch_price_assumed
                then list_prices.cache_write_usd_per_mtok * 0.5
            else list_prices.cache_write_usd_per_mtok
        end as cache_write_usd_per_mtok,
        case
            when owned.is_batch then list_prices.batch_output_usd_per_mtok
            else list_prices.output_usd_per_mtok
        end as output_usd_per_mtok
    from owned
    left join model_names
        on
            owned.provider = model_names.provider
            and owned.source_model = model_names.source_model
    left join list_prices
        on
            owned.provider = list_prices.provider
            and model_names.model_id = list_prices.model_id
            and owned.usage_date >= list_prices.valid_from
            and owned.usage_date < list_prices.valid_to

),

final as (

    select
        usage_row_id,
        usage_date,
        provider,
        source_model,
        coalesce(model_id, source_model) as model_id,
        case when key_id is not null then key_type else container_type end as credential_type,
        coalesce(key_id, container_id) as credential_id,
        coalesce(owner_team_id, 'unallocated') as team_id,
        case
            when owner_allocation = 'gateway_traffic' then 'gateway_traffic'
            when owner_team_id is not null then 'credential_owner'
            else 'unallocated'
        end as allocation_rule,
        coalesce(owner_workflow_id, 'unassigned') as workflow_id,
        coalesce(owner_allocation = 'gateway_traffic', false) as is_seen_by_gateway,
        is_batch,
        requests,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        cast(
            (
                uncached_input_tokens * input_usd_per_mtok
                + cache_read_tokens * cache_read_usd_per_mtok
                + cache_write_tokens * cache_write_usd_per_mtok
                + (output_tokens + coalesce(reasoning_tokens, 0)) * output_usd_per_mtok
            ) * 0.000001
            as decimal(38, 10)
        ) as list_cost_usd,
        load_id,
        _loaded_at
    from priced

)

select * from final
