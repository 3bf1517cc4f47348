{#-
    One row per task: its outcome as last exported. A business system re-sends a task when its
    outcome changes (resolved, then escalated two days later), so the restatement unit is the
    task: the newest load that delivered a task_id wins, and the earlier exports stay in the raw
    table. Should one file list a task twice, its later line wins (exports are written in order).
-#}
with

restated as (

    {{ latest_export(ref('stg_task_outcomes__tasks'), ['task_id']) }}

),

ranked as (

    select
        *,
        row_number() over (partition by task_id order by source_row_number desc) as copy_rank
    from restated

),

final as (

    select
        task_id,
        workflow_id,
        outcome,
        is_succeeded,
        started_date,
        started_at,
        completed_at,
        human_minutes,
        task_value,
        task_value_currency,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from ranked
    where copy_rank = 1

)

select * from final
