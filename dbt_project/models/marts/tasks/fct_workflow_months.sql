{#-
    One row per workflow and month of task start: what a task cost (model calls of every attempt and
    people's correction time), what it was worth, the margin, tokens per task, and the budget
    review's four month-over-month questions. Methods are documented in _tasks__workflow_months.yml.
-#}
with

tasks as (

    select * from {{ ref('fct_tasks') }}

),

-- The days the warehouse holds tasks for (any workflow): a month's throughput is per day of it.
data_window as (

    select
        min(started_date) as first_data_date,
        max(started_date) as last_data_date
    from tasks

),

monthly as (

    select
        workflow_id,
        cast({{ dbt.date_trunc('month', 'started_date') }} as date) as task_month,
        min(team_id) as team_id,
        count(distinct started_date) as days_with_tasks,
        count(*) as tasks,  -- noqa: RF04
        sum(case when outcome <> 'unreported' then 1 else 0 end) as reported_tasks,
        sum(case when is_succeeded then 1 else 0 end) as successful_tasks,
        sum(case when cost_basis = 'call_priced' then 1 else 0 end) as call_priced_tasks,
        sum(case when cost_basis = 'usage_share' then 1 else 0 end) as usage_share_tasks,
        sum(case when cost_basis = 'unpriced' then 1 else 0 end) as unpriced_tasks,
        sum(case when unpriced_calls > 0 then 1 else 0 end) as tasks_with_unpriced_calls,
        count(model_cost_usd) as priced_tasks,
        count(human_minutes) as tasks_with_human_minutes,
        count(value_usd) as tasks_with_value,
        sum(attempts) as attempts,
        sum(retries) as retries,
        sum(failed_calls) as failed_calls,
        sum(uncached_input_tokens) as uncached_input_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum(cache_write_tokens) as cache_write_tokens,
        sum(output_tokens) as output_tokens,
        sum(reasoning_tokens) as reasoning_tokens,
        sum(model_cost_usd) as model_cost_usd,
        sum(human_minutes) as human_minutes,
        sum(human_cost_usd) as human_cost_usd,
        sum(value_usd) as value_usd
    from tasks
    group by
        workflow_id,
        cast({{ dbt.date_trunc('month', 'started_date') }} as date)

),

totals as (

    select
        monthly.*,
        monthly.uncached_input_tokens
        + monthly.cache_read_tokens
        + monthly.cache_write_tokens
        + monthly.output_tokens
        + monthly.reasoning_tokens as total_tokens,
        monthly.model_cost_usd + monthly.human_cost_usd as fully_loaded_cost_usd,
        monthly.value_usd - (monthly.model_cost_usd + monthly.human_cost_usd) as margin_usd,
        {{ dbt.datediff(
            'greatest(monthly.task_month, data_window.first_data_date)',
            'least(cast(' ~ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'monthly.task_month'))
            ~ ' as date), data_window.last_data_date)',
            'day'
        ) }} + 1 as days_with_data
    from monthly
    cross join data_window

),

per_task as (

    select
        *,
        cast(successful_tasks as double) / nullif(reported_tasks, 0) as success_rate,
        case
            when successful_tasks > 0
                then {{ exact_quotient('fully_loaded_cost_usd', 'successful_tasks') }}
        end as fully_loaded_cost_per_successful_task_usd,
        case
            when priced_tasks > 0 then {{ exact_quotient('model_cost_usd', 'priced_tasks') }}
        end as model_cost_per_task_usd,
        case
            when tasks_with_human_minutes > 0
                then {{ exact_quotient('human_minutes', 'tasks_with_human_minutes') }}
        end as human_minutes_per_task,
        case
            when tasks_with_value > 0 then {{ signed_exact_quotient('value_usd', 'tasks_with_value') }}
        end as value_per_task_usd,
        case
            when successful_tasks > 0 then {{ signed_exact_quotient('margin_usd', 'successful_tasks') }}
        end as margin_per_successful_task_usd,
        cast(successful_tasks as double) / days_with_data as successful_tasks_per_day,
        cast(uncached_input_tokens as double)
        / nullif(call_priced_tasks, 0) as uncached_input_tokens_per_task,
        cast(cache_read_tokens as double) / nullif(call_priced_tasks, 0) as cache_read_tokens_per_task,
        cast(cache_write_tokens as double) / nullif(call_priced_tasks, 0) as cache_write_tokens_per_task,
        cast(output_tokens as double) / nullif(call_priced_tasks, 0) as output_tokens_per_task,
        cast(reasoning_tokens as double) / nullif(call_priced_tasks, 0) as reasoning_tokens_per_task,
        cast(total_tokens as double) / nullif(call_priced_tasks, 0) as total_tokens_per_task
    from totals

),

compared as (

    select
        *,
        lag(task_month) over (partition by workflow_id order by task_month) as previous_task_month,
        fully_loaded_cost_per_successful_task_usd < lag(fully_loaded_cost_per_successful_task_usd) over (
            partition by workflow_id order by task_month
        ) as has_cost_per_task_fallen,
        human_minutes_per_task < lag(human_minutes_per_task) over (
            partition by workflow_id order by task_month
        ) as has_human_labour_fallen,
        successful_tasks_per_day > lag(successful_tasks_per_day) over (
            partition by workflow_id order by task_month
        ) as has_throughput_risen,
        value_per_task_usd > lag(value_per_task_usd) over (
            partition by workflow_id order by task_month
        ) as has_value_risen
    from per_task

),

final as (

    select
        {{ dbt.concat(["workflow_id", "'|'", "cast(task_month as " ~ dbt.type_string() ~ ")"]) }}
            as workflow_month_id,
        workflow_id,
        task_month,
        team_id,
        cast(days_with_data as bigint) as days_with_data,
        cast(days_with_tasks as bigint) as days_with_tasks,
        cast(tasks as bigint) as tasks,  -- noqa: RF04
        cast(reported_tasks as bigint) as reported_tasks,
        cast(successful_tasks as bigint) as successful_tasks,
        success_rate,
        cast(successful_tasks_per_day as double) as successful_tasks_per_day,
        cast(attempts as bigint) as attempts,
        cast(retries as bigint) as retries,
        cast(failed_calls as bigint) as failed_calls,
        cast(call_priced_tasks as bigint) as call_priced_tasks,
        cast(usage_share_tasks as bigint) as usage_share_tasks,
        cast(unpriced_tasks as bigint) as unpriced_tasks,
        cast(tasks_with_unpriced_calls as bigint) as tasks_with_unpriced_calls,
        cast(priced_tasks as bigint) as priced_tasks,
        cast(tasks_with_human_minutes as bigint) as tasks_with_human_minutes,
        cast(tasks_with_value as bigint) as tasks_with_value,
        cast(uncached_input_tokens as bigint) as uncached_input_tokens,
        cast(cache_read_tokens as bigint) as cache_read_tokens,
        cast(cache_write_tokens as bigint) as cache_write_tokens,
        cast(output_tokens as bigint) as output_tokens,
        cast(reasoning_tokens as bigint) as reasoning_tokens,
        cast(total_tokens as bigint) as total_tokens,
        uncached_input_tokens_per_task,
        cache_read_tokens_per_task,
        cache_write_tokens_per_task,
        output_tokens_per_task,
        reasoning_tokens_per_task,
        total_tokens_per_task,
        cast(model_cost_usd as decimal(38, 10)) as model_cost_usd,
        cast(human_minutes as decimal(38, 10)) as human_minutes,
        cast(human_cost_usd as decimal(38, 10)) as human_cost_usd,
        cast(fully_loaded_cost_usd as decimal(38, 10)) as fully_loaded_cost_usd,
        cast(value_usd as decimal(38, 10)) as value_usd,
        cast(margin_usd as decimal(38, 10)) as margin_usd,
        cast(model_cost_per_task_usd as decimal(38, 10)) as model_cost_per_task_usd,
        cast(human_minutes_per_task as decimal(38, 10)) as human_minutes_per_task,
        cast(fully_loaded_cost_per_successful_task_usd as decimal(38, 10))
            as fully_loaded_cost_per_successful_task_usd,
        cast(value_per_task_usd as decimal(38, 10)) as value_per_task_usd,
        cast(margin_per_successful_task_usd as decimal(38, 10)) as margin_per_successful_task_usd,
        previous_task_month,
        has_cost_per_task_fallen,
        has_human_labour_fallen,
        has_throughput_risen,
        has_value_risen,
        cast(
            case
                when previous_task_month is not null
                    then
                        case when has_cost_per_task_fallen then 1 else 0 end
                        + case when has_human_labour_fallen then 1 else 0 end
                        + case when has_throughput_risen then 1 else 0 end
                        + case when has_value_risen then 1 else 0 end
            end
            as bigint
        ) as improved_count,
        (
            previous_task_month is not null
            and not coalesce(has_cost_per_task_fallen, false)
            and not coalesce(has_human_labour_fallen, false)
            and not coalesce(has_throughput_risen, false)
            and not coalesce(has_value_risen, false)
        ) as is_improving_nothing,
        'USD' as currency
    from compared

)

select * from final
