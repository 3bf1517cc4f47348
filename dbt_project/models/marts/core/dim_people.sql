{#-
    One row per person with the team they belong to now and the names other tools know them by, so a
    Copilot login, a Microsoft UPN and a gateway user id all find the same person. Team history is in
    fct_team_memberships.
-#}
with

memberships as (

    select * from {{ ref('int_reference_people_deduplicated') }}

),

latest as (

    select
        *,
        row_number() over (
            partition by person_id
            order by coalesce(valid_from, cast('1900-01-01' as date)) desc
        ) as recency
    from memberships

),

final as (

    select
        person_id,
        lower(email) as email,
        display_name,
        lower(github_login) as github_login,
        lower(microsoft_upn) as microsoft_upn,
        gateway_user_id,
        team_id as current_team_id,
        valid_to is not null as has_left_team
    from latest
    where recency = 1

)

select * from final
