{#-
    Every task with call-level data, ranked within its workflow and month of start by total tokens,
    lowest first: the routing lever's "simplest tasks" are the first ones. routing_decile d means the
    task is among the simplest d tenths of its workflow-month: d = ceil(10 r / n) for rank r of n.
-#}
with

tasks as (

    select * from {{ ref('fct_tasks') }}

),

tokened_tasks as (

    select
        task_id,
        workflow_id,
        cast({{ dbt.date_trunc('month', 'started_date') }} as date) as task_month,
        cast(
            coalesce(uncached_input_tokens, 0)
            + coalesce(cache_read_tokens, 0)
            + coalesce(cache_write_tokens, 0)
            + coalesce(output_tokens, 0)
            + coalesce(reasoning_tokens, 0)
            as bigint
        ) as total_tokens
    from tasks
    -- Only tasks whose own calls are known have tokens to rank by (see fct_tasks.cost_basis).
    where cost_basis = 'call_priced'

),

ranked as (

    select
        *,
        row_number() over (
            partition by workflow_id, task_month order by total_tokens, task_id
        ) as task_rank,
        count(*) over (partition by workflow_id, task_month) as tasks_in_month
    from tokened_tasks

),

final as (

    select
        task_id,
        workflow_id,
        task_month,
        total_tokens,
        cast(task_rank as bigint) as task_rank,
        cast(tasks_in_month as bigint) as tasks_in_month,
        cast(
            {{ integer_quotient('10 * task_rank + tasks_in_month - 1', 'tasks_in_month') }} as bigint
        ) as routing_decile
    from ranked

)

select * from final
