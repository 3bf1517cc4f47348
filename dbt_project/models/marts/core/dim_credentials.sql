{#-
    Every credential spend can be traced to (gateway keys, provider projects, workspaces and keys, IAM
    principals, tags, cloud resources), one row per ownership period: which team (and workflow) owned
    it from when, and whether its bill is allocated to that owner or across the gateway's traffic.
-#}
with

credentials as (

    select * from {{ ref('int_reference_credentials_deduplicated') }}

),

final as (

    select
        credential_period_id,
        credential_type,
        credential_id,
        credential_name,
        team_id,
        nullif(workflow_id, '') as workflow_id,
        valid_from,
        valid_to,
        allocation,
        note
    from credentials

)

select * from final
