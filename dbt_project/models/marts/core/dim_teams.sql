{#-
    Teams spend can belong to: the company's teams from reference/teams.csv, any team id a gateway log
    names that the reference does not (flagged, so it can be added), and `unallocated`.
-#}
with

reference_teams as (

    select * from {{ ref('int_reference_teams_deduplicated') }}

),

gateway_teams as (

    select distinct team_id from {{ ref('int_gateway_requests_allocated') }}

),

named as (

    select
        team_id,
        team_name,
        cost_centre,
        true as is_in_reference,
        false as is_unallocated
    from reference_teams

),

unlisted as (

    select
        gateway_teams.team_id,
        gateway_teams.team_id as team_name,
        cast(null as {{ dbt.type_string() }}) as cost_centre,
        false as is_in_reference,
        false as is_unallocated
    from gateway_teams
    left join reference_teams on gateway_teams.team_id = reference_teams.team_id
    where reference_teams.team_id is null and gateway_teams.team_id <> 'unallocated'

),

unallocated as (

    select
        'unallocated' as team_id,
        'Unallocated' as team_name,
        cast(null as {{ dbt.type_string() }}) as cost_centre,
        false as is_in_reference,
        true as is_unallocated

),

final as (

    select * from named
    union all
    select * from unlisted
    union all
    select * from unallocated

)

select * from final
