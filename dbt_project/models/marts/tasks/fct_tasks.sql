{#-
    One row per task: what it cost in model calls and people's time, and what it was worth.

    Tasks come from the business systems' outcome exports (newest export wins) and from the model
    calls that name a task: gateway requests, and traced calls the gateway did not log (so no call
    counts twice). A task whose calls exist but whose outcome was never reported is kept with
    outcome `unreported`.

    Model cost, by `cost_basis`:
    - `call_priced`: the task has call-level data; each call at its list price (the gateway's
      requests carry list_cost_usd; traced calls are priced at the list price of the call's day).
    - `usage_share`: direct-route workflows log no calls, so a workflow-day in which none of the
      workflow's tasks has call-level data gets the list-price cost of the tokens the provider
      reported (OpenAI or Anthropic usage report) or, for providers without one, billed (AWS CUR,
      FOCUS), for the credentials of that workflow, split equally among its tasks of the day:
      the cost in units of 1e-10 USD divided by the number of tasks, the units left over going one
      each to the first tasks by task_id, so the shares add up exactly to the day's cost.
    - `unpriced`: neither (no call-level data, and no usage or bill names the workflow that day).

    Kept between builds and updated by task (millions of tasks a year). A run recomputes:
    - the tasks whose outcome or calls were (re)built since this table's last build (`built_at`);
    - every task of the days those tasks started on, before and after, since usage shares split a
      workflow-day's cost among its tasks;
    - every task of the days on which a workflow's usage cost no longer equals its tasks' shares;
    - every task of a workflow whose owning team changed;
    - every task, when a labour-rates file newer than the last build has landed.
-#}
{{
    config(
        materialized=updated_by_key(),
        unique_key='task_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}

with

provider_usage as (

    select * from {{ ref('int_provider_usage_buckets_allocated') }}

),

billed_lines as (

    select * from {{ ref('int_billed_token_lines_allocated') }}

),

labour_rates as (

    select * from {{ ref('int_reference_labour_rates_deduplicated') }}

),

workflows as (

    select * from {{ ref('dim_workflows') }}

),

-- The list cost of each workflow's own (not gateway) usage per day and provider, from the usage
-- report where the provider has one, else from the bill: the two describe the same calls.
usage_costs as (

    select
        workflow_id,
        usage_date,
        provider,
        1 as source_preference,
        sum(list_cost_usd) as list_cost_usd
    from provider_usage
    where allocation_rule <> 'gateway_traffic' and workflow_id <> 'unassigned'
    group by workflow_id, usage_date, provider

    union all

    select
        workflow_id,
        usage_date,
        provider,
        2 as source_preference,
        sum(list_cost_usd) as list_cost_usd
    from billed_lines
    where allocation_rule <> 'gateway_traffic' and workflow_id <> 'unassigned'
    group by workflow_id, usage_date, provider

),

preferred_usage_costs as (

    select
        *,
        row_number() over (
            partition by workflow_id, usage_date, provider order by source_preference
        ) as preference_rank
    from usage_costs

),

workflow_day_costs as (

    select
        workflow_id,
        usage_date,
        sum(list_cost_usd) as list_cost_usd
    from preferred_usage_costs
    where preference_rank = 1
    group by workflow_id, usage_date

),

{% if is_incremental() %}
last_build as (

    select {{ newest_seen('built_at') }} as built_at

),

changed_inputs as (

    select
        task_id,
        started_date as input_date
    from {{ ref('int_task_outcomes_tasks_deduplicated') }}
    where _built_at > (select last_build.built_at from last_build)

    union all

    select
        task_id,
        request_date as input_date
    from {{ ref('int_gateway_requests_allocated') }}
    where task_id is not null and _built_at > (select last_build.built_at from last_build)

    union all

    select
        task_id,
        call_date as input_date
    from {{ ref('int_telemetry_model_calls_matched') }}
    where task_id is not null and _built_at > (select last_build.built_at from last_build)

),

current_workflow_days as (

    select
        workflow_id,
        started_date,
        sum(case when cost_basis = 'usage_share' then model_cost_usd end) as shared_cost_usd,
        max(case when cost_basis = 'call_priced' then 1 else 0 end) as has_call_tasks
    from {{ this }}
    group by workflow_id, started_date

),

rebuilt_days as (

    select input_date as started_date from changed_inputs

    union

    select started_date from {{ this }}
    where task_id in (select changed_inputs.task_id from changed_inputs)

    union

    select current_workflow_days.started_date
    from current_workflow_days
    left join workflow_day_costs
        on
            current_workflow_days.workflow_id = workflow_day_costs.workflow_id
            and current_workflow_days.started_date = workflow_day_costs.usage_date
    where
        current_workflow_days.has_call_tasks = 0
        and current_workflow_days.shared_cost_usd is distinct from workflow_day_costs.list_cost_usd

),

rebuilt_workflows as (

    select current_owners.workflow_id
    from (select distinct workflow_id, team_id from {{ this }}) as current_owners
    left join workflows on current_owners.workflow_id = workflows.workflow_id
    where current_owners.team_id <> coalesce(workflows.owner_team_id, 'unallocated')

),

rebuilt_tasks as (

    select task_id from changed_inputs

    union

    select task_id from {{ this }}
    where
        started_date in (select rebuilt_days.started_date from rebuilt_days)
        or workflow_id in (select rebuilt_workflows.workflow_id from rebuilt_workflows)
        or (select max(labour_rates._loaded_at) from labour_rates) > (select last_build.built_at from last_build)

),
{% endif %}

tasks as (

    select * from {{ ref('int_task_outcomes_tasks_deduplicated') }}
    {% if is_incremental() %}
        where task_id in (select rebuilt_tasks.task_id from rebuilt_tasks)
    {% endif %}

),

gateway_requests as (

    select * from {{ ref('int_gateway_requests_allocated') }}
    {% if is_incremental() %}
        where task_id in (select rebuilt_tasks.task_id from rebuilt_tasks)
    {% endif %}

),

telemetry_calls as (

    select * from {{ ref('int_telemetry_model_calls_matched') }}
    {% if is_incremental() %}
        where task_id in (select rebuilt_tasks.task_id from rebuilt_tasks)
    {% endif %}

),

calls as (

    select
        task_id,
        workflow_id,
        attempt,
        started_at,
        model_id,
        is_success,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        list_cost_usd
    from gateway_requests
    where task_id is not null

    union all

    select
        task_id,
        workflow_id,
        attempt,
        started_at,
        model_id,
        is_success,
        uncached_input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        output_tokens,
        reasoning_tokens,
        list_cost_usd
    from telemetry_calls
    where task_id is not null and not is_seen_by_gateway

),

ordered_calls as (

    select
        *,
        row_number() over (partition by task_id order by attempt, started_at) as call_order
    from calls

),

first_calls as (

    select
        task_id,
        model_id as first_model_id
    from ordered_calls
    where call_order = 1

),

task_calls as (

    select
        ordered_calls.task_id,
        min(ordered_calls.workflow_id) as call_workflow_id,
        min(ordered_calls.started_at) as first_call_at,
        min(first_calls.first_model_id) as first_model_id,
        count(*) as attempts,
        sum(case when ordered_calls.is_success then 0 else 1 end) as failed_calls,
        max(
            case
                when
                    ordered_calls.call_order > 1
                    and ordered_calls.model_id <> first_calls.first_model_id
                    then 1
                else 0
            end
        ) as fallback_calls,
        sum(ordered_calls.uncached_input_tokens) as uncached_input_tokens,
        sum(ordered_calls.cache_read_tokens) as cache_read_tokens,
        sum(ordered_calls.cache_write_tokens) as cache_write_tokens,
        sum(ordered_calls.output_tokens) as output_tokens,
        sum(ordered_calls.reasoning_tokens) as reasoning_tokens,
        sum(ordered_calls.list_cost_usd) as call_cost_usd,
        sum(case when ordered_calls.list_cost_usd is null then 1 else 0 end) as unpriced_calls
    from ordered_calls
    inner join first_calls on ordered_calls.task_id = first_calls.task_id
    group by ordered_calls.task_id

),

all_tasks as (

    select
        coalesce(tasks.task_id, task_calls.task_id) as task_id,
        coalesce(tasks.workflow_id, task_calls.call_workflow_id, 'unassigned') as workflow_id,
        coalesce(tasks.started_at, task_calls.first_call_at) as started_at,
        coalesce(tasks.started_date, cast(task_calls.first_call_at as date)) as started_date,
        tasks.completed_at,
        coalesce(tasks.outcome, 'unreported') as outcome,
        tasks.is_succeeded,
        tasks.human_minutes,
        tasks.task_value,
        tasks.task_value_currency,
        task_calls.task_id is not null as has_calls,
        task_calls.first_model_id,
        task_calls.attempts,
        task_calls.failed_calls,
        task_calls.fallback_calls,
        task_calls.uncached_input_tokens,
        task_calls.cache_read_tokens,
        task_calls.cache_write_tokens,
        task_calls.output_tokens,
        task_calls.reasoning_tokens,
        task_calls.call_cost_usd,
        task_calls.unpriced_calls
    from tasks
    full outer join task_calls on tasks.task_id = task_calls.task_id

),

workflow_days_with_calls as (

    select distinct
        workflow_id,
        started_date
    from all_tasks
    where has_calls

),

share_tasks as (

    select
        all_tasks.task_id,
        all_tasks.workflow_id,
        all_tasks.started_date,
        row_number() over (
            partition by all_tasks.workflow_id, all_tasks.started_date order by all_tasks.task_id
        ) as share_rank,
        count(*) over (partition by all_tasks.workflow_id, all_tasks.started_date) as share_count
    from all_tasks
    left join workflow_days_with_calls
        on
            all_tasks.workflow_id = workflow_days_with_calls.workflow_id
            and all_tasks.started_date = workflow_days_with_calls.started_date
    where not all_tasks.has_calls and workflow_days_with_calls.workflow_id is null

),

share_units as (

    select
        share_tasks.task_id,
        share_tasks.share_rank,
        share_tasks.share_count,
        {{ decimal_units('workflow_day_costs.list_cost_usd') }} as cost_units
    from share_tasks
    inner join workflow_day_costs
        on
            share_tasks.workflow_id = workflow_day_costs.workflow_id
            and share_tasks.started_date = workflow_day_costs.usage_date

),

usage_shares as (

    select
        task_id,
        {{ decimal_from_units(
            integer_quotient('cost_units', 'share_count')
            ~ ' + case when share_rank <= ' ~ integer_remainder('cost_units', 'share_count')
            ~ ' then 1 else 0 end'
        ) }} as usage_share_cost_usd
    from share_units

),

dated_labour_rates as (

    select
        team_id,
        hourly_cost,
        currency,
        coalesce(valid_from, cast('1900-01-01' as date)) as valid_from,
        lead(valid_from) over (
            partition by team_id order by coalesce(valid_from, cast('1900-01-01' as date))
        ) as valid_to
    from labour_rates

),

final as (

    select
        all_tasks.task_id,
        all_tasks.workflow_id,
        coalesce(workflows.owner_team_id, 'unallocated') as team_id,
        all_tasks.started_at,
        all_tasks.started_date,
        all_tasks.completed_at,
        all_tasks.outcome,
        all_tasks.is_succeeded,
        case
            when all_tasks.has_calls then 'call_priced'
            when usage_shares.task_id is not null then 'usage_share'
            else 'unpriced'
        end as cost_basis,
        all_tasks.first_model_id,
        cast(all_tasks.attempts as bigint) as attempts,
        cast(all_tasks.attempts - 1 as bigint) as retries,
        cast(all_tasks.failed_calls as bigint) as failed_calls,
        all_tasks.fallback_calls > 0 as used_fallback,
        cast(all_tasks.unpriced_calls as bigint) as unpriced_calls,
        cast(all_tasks.uncached_input_tokens as bigint) as uncached_input_tokens,
        cast(all_tasks.cache_read_tokens as bigint) as cache_read_tokens,
        cast(all_tasks.cache_write_tokens as bigint) as cache_write_tokens,
        cast(all_tasks.output_tokens as bigint) as output_tokens,
        cast(all_tasks.reasoning_tokens as bigint) as reasoning_tokens,
        cast(
            case
                when all_tasks.has_calls then all_tasks.call_cost_usd
                else usage_shares.usage_share_cost_usd
            end
            as decimal(38, 10)
        ) as model_cost_usd,
        cast(all_tasks.human_minutes as decimal(38, 10)) as human_minutes,
        cast(
            case when dated_labour_rates.currency = 'USD' then dated_labour_rates.hourly_cost end
            as decimal(38, 10)
        ) as labour_rate_usd_per_hour,
        cast(
            case
                when dated_labour_rates.currency = 'USD'
                    then {{ exact_quotient('all_tasks.human_minutes * dated_labour_rates.hourly_cost', 60) }}
            end
            as decimal(38, 10)
        ) as human_cost_usd,
        cast(
            case when all_tasks.task_value_currency = 'USD' then all_tasks.task_value end
            as decimal(38, 10)
        ) as value_usd,
        cast(all_tasks.task_value as decimal(38, 10)) as reported_value,
        all_tasks.task_value_currency as reported_value_currency,
        'USD' as currency,
        {{ build_started_at() }} as built_at
    from all_tasks
    left join workflows on all_tasks.workflow_id = workflows.workflow_id
    left join usage_shares on all_tasks.task_id = usage_shares.task_id
    left join dated_labour_rates
        on
            coalesce(workflows.owner_team_id, 'unallocated') = dated_labour_rates.team_id
            and all_tasks.started_date >= dated_labour_rates.valid_from
            and (dated_labour_rates.valid_to is null or all_tasks.started_date < dated_labour_rates.valid_to)

)

-- Stored in this order: a workflow's tasks together, by outcome, then start. Like values sit side by
-- side, so DuckDB keeps the table (and its copy in serving.duckdb) about a quarter smaller. A run
-- appends the tasks it recomputes in the same order.
select * from final
order by workflow_id, outcome, started_at, task_id
