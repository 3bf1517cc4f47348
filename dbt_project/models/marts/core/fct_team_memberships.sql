{#- Who belonged to which team when: one row per person per team period (valid_to exclusive). -#}
with

memberships as (

    select * from {{ ref('int_reference_people_deduplicated') }}

),

final as (

    select
        {%- set valid_from_text = dbt.safe_cast("valid_from", dbt.type_string()) %}
        {{ dbt.concat(["person_id", "'|'", "coalesce(" ~ valid_from_text ~ ", '')"]) }} as membership_id,
        person_id,
        team_id,
        valid_from,
        valid_to
    from memberships

)

select * from final
