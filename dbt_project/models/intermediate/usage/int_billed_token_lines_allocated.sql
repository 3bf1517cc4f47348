{#-
    Token quantities as cloud bills state them, one row per bill line: Amazon Bedrock lines of the
    AWS Cost and Usage Report (first-party and Marketplace) and token lines of FOCUS exports (Azure
    OpenAI), from the newest delivery of each billing period. Each line is one token type; its
    count goes in that type's column and the others are 0. Bills do not separate reasoning tokens
    (NULL: they are in output) nor count requests.

    The line's credential is the IAM principal (CUR, from CUR 2.0 with principals), else the FOCUS
    credential, else the resource (Bedrock inference profile, Azure OpenAI resource). Its team, by
    the first rule that applies: the credential is a gateway's own (`gateway_traffic`: the owner's
    team, as in int_provider_usage_buckets_allocated); the line's team cost-allocation tag
    (`cost_allocation_tag`); the credential's owner on the day (`credential_owner`); else
    `unallocated`. Its workflow is the workflow tag, else the credential's workflow, else
    `unassigned`. Its list cost is the tokens at the catalogue's standard list price of the day.
-#}
with

cur_lines as (

    select * from {{ ref('int_aws_cur_line_items_deduplicated') }}

),

focus_charges as (

    select * from {{ ref('int_focus_charges_deduplicated') }}

),

credentials as (

    select * from {{ ref('int_reference_credentials_deduplicated') }}

),

teams as (

    select * from {{ ref('int_reference_teams_deduplicated') }}

),

model_names as (

    select * from {{ ref('int_model_names_canonicalised') }}

),

list_prices as (

    select * from {{ ref('int_list_prices_dated') }}

),

cur_token_lines as (

    select
        {{ dbt.concat(["'aws_cur|'", "line_item_key"]) }} as bill_line_id,
        'aws_cur' as bill_source,
        usage_date,
        'bedrock' as provider,
        model_name as source_model,
        case
            when iam_principal_arn is not null then 'aws_iam_principal'
            when resource_id is not null then 'aws_resource'
        end as credential_type,
        coalesce(iam_principal_arn, resource_id) as credential_id,
        nullif(lower(trim(team_tag)), '') as team_tag,
        nullif(trim(workflow_tag), '') as workflow_tag,
        token_type,
        token_count,
        load_id,
        _loaded_at
    from cur_lines
    where is_ai_model_usage and line_item_type in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')

),

focus_token_lines as (

    select
        {{ dbt.concat(["'focus|'", "charge_key"]) }} as bill_line_id,
        'focus' as bill_source,
        charge_date as usage_date,
        {{ focus_provider('provider_name') }} as provider,
        model_name as source_model,
        case
            when credential_id is not null then 'focus_credential'
            when resource_id is not null and {{ focus_provider('provider_name') }} = 'azure'
                then 'azure_resource'
            when resource_id is not null then 'cloud_resource'
        end as credential_type,
        coalesce(credential_id, resource_id) as credential_id,
        nullif(lower(trim(team_tag)), '') as team_tag,
        nullif(trim(workflow_tag), '') as workflow_tag,
        token_type,
        token_count,
        load_id,
        _loaded_at
    from focus_charges
    where is_ai_model_usage and charge_category = 'Usage'

),

token_lines as (

    select * from cur_token_lines
    union all
    select * from focus_token_lines

),

owned as (

    select
        token_lines.*,
        teams.team_id as tagged_team_id,
        credentials.team_id as owner_team_id,
        nullif(credentials.workflow_id, '') as owner_workflow_id,
        credentials.allocation as owner_allocation
    from token_lines
    left join teams
        on token_lines.team_tag = lower(teams.team_id)
    left join credentials
        on
            token_lines.credential_type = credentials.credential_type
            and token_lines.credential_id = credentials.credential_id
            and token_lines.usage_date >= coalesce(credentials.valid_from, cast('1900-01-01' as date))
            and (credentials.valid_to is null or token_lines.usage_date < credentials.valid_to)

),

priced as (

    select
        owned.*,
        model_names.model_id,
        case owned.token_type
            when 'uncached_input' then list_prices.input_usd_per_mtok
            when 'cache_read' then list_prices.cache_read_usd_per_mtok
            when 'cache_write' then list_prices.cache_write_usd_per_mtok
            when 'output' then list_prices.output_usd_per_mtok
        end as usd_per_mtok
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
        bill_line_id,
        bill_source,
        usage_date,
        provider,
        source_model,
        coalesce(model_id, source_model) as model_id,
        credential_type,
        credential_id,
        case
            when owner_allocation = 'gateway_traffic' then owner_team_id
            else coalesce(tagged_team_id, owner_team_id, 'unallocated')
        end as team_id,
        case
            when owner_allocation = 'gateway_traffic' then 'gateway_traffic'
            when tagged_team_id is not null then 'cost_allocation_tag'
            when owner_team_id is not null then 'credential_owner'
            else 'unallocated'
        end as allocation_rule,
        coalesce(workflow_tag, owner_workflow_id, 'unassigned') as workflow_id,
        coalesce(owner_allocation = 'gateway_traffic', false) as is_seen_by_gateway,
        token_type,
        token_count,
        case when token_type = 'uncached_input' then token_count else 0 end as uncached_input_tokens,
        case when token_type = 'cache_read' then token_count else 0 end as cache_read_tokens,
        case when token_type = 'cache_write' then token_count else 0 end as cache_write_tokens,
        case when token_type = 'output' then token_count else 0 end as output_tokens,
        cast(null as bigint) as reasoning_tokens,
        cast(token_count * usd_per_mtok * 0.000001 as decimal(38, 10)) as list_cost_usd,
        load_id,
        _loaded_at
    from priced

)

select * from final
