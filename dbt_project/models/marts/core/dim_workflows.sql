{#-
    Every workflow any source names: the workflows reference file, gateway calls, telemetry spans, task
    outcomes and credentials, with the team that owns it (the reference file's team, else the team of
    the newest credential dedicated to it, else the team its gateway calls belong to most) and whether
    its results are needed at once (urgent unless the reference file says it can wait).
-#}
with

listed_workflows as (

    select * from {{ ref('int_reference_workflows_deduplicated') }}

),

credential_workflows as (

    select
        workflow_id,
        team_id,
        row_number() over (
            partition by workflow_id
            order by coalesce(valid_from, cast('1900-01-01' as date)) desc
        ) as recency
    from {{ ref('int_reference_credentials_deduplicated') }}
    where workflow_id is not null and workflow_id <> ''

),

gateway_workflows as (

    select
        workflow_id,
        team_id,
        row_number() over (partition by workflow_id order by count(*) desc, team_id) as recency
    from {{ ref('int_gateway_requests_allocated') }}
    where workflow_id <> 'unassigned'
    group by workflow_id, team_id

),

task_workflows as (

    select distinct workflow_id from {{ ref('int_task_outcomes_tasks_deduplicated') }}

),

telemetry_workflows as (

    select distinct workflow_id from {{ ref('int_telemetry_model_calls_matched') }}
    where workflow_id is not null

),

all_workflows as (

    select workflow_id from listed_workflows
    union
    select workflow_id from credential_workflows
    union
    select workflow_id from gateway_workflows
    union
    select workflow_id from task_workflows
    union
    select workflow_id from telemetry_workflows
    union
    select 'unassigned' as workflow_id

),

final as (

    select
        all_workflows.workflow_id,
        coalesce(listed_workflows.workflow_name, all_workflows.workflow_id) as workflow_name,
        coalesce(
            listed_workflows.team_id, credential_workflows.team_id, gateway_workflows.team_id, 'unallocated'
        ) as owner_team_id,
        coalesce(listed_workflows.is_urgent, true) as is_urgent,
        listed_workflows.workflow_id is not null as is_listed,
        all_workflows.workflow_id = 'unassigned' as is_unassigned
    from all_workflows
    left join listed_workflows
        on all_workflows.workflow_id = listed_workflows.workflow_id
    left join credential_workflows
        on all_workflows.workflow_id = credential_workflows.workflow_id and credential_workflows.recency = 1
    left join gateway_workflows
        on all_workflows.workflow_id = gateway_workflows.workflow_id and gateway_workflows.recency = 1

)

select * from final
