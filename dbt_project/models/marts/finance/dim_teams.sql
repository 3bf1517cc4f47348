{#-
    Teams as the gateway knows them (LiteLLM team ids and aliases), plus the bucket for spend
    with no team.
-#}
with

requests as (

    select * from {{ ref('int_gateway_requests_deduplicated') }}

),

gateway_teams as (

    select
        gateway_team_id as team_id,
        max(gateway_team_alias) as team_name
    from requests
    where gateway_team_id is not null
    group by gateway_team_id

),

unallocated as (

    select
        'unallocated' as team_id,
        'Unallocated' as team_name

),

final as (

    select
        team_id,
        coalesce(team_name, team_id) as team_name,
        false as is_unallocated
    from gateway_teams
    union all
    select
        team_id,
        team_name,
        true as is_unallocated
    from unallocated

)

select * from final
