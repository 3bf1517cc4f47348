{#-
    One row per seat per listing (snapshot) of every seat source: GitHub Copilot seat listings, the
    seat CSVs (Cursor, ChatGPT Enterprise, Claude, ...) and Microsoft 365 Copilot usage reports, each
    from its newest delivery of a day. Each seat keeps its holder's identifier as the source names
    it and the person it resolves to (reference people): a Copilot seat by GitHub login, else the
    assignee's email; a seat CSV row by email; a Microsoft 365 user by user principal name, else by
    email. An identifier two people share resolves to nobody rather than to the wrong one. The
    monthly price is the listing's own, else the tool's list price in reference tools.
-#}
{%- set string_type = dbt.type_string() -%}
with

copilot_seats as (

    select * from {{ ref('int_copilot_seats_seats_deduplicated') }}

),

csv_seats as (

    select * from {{ ref('int_seats_seats_deduplicated') }}

),

m365_users as (

    select * from {{ ref('int_m365_copilot_users_deduplicated') }}

),

people as (

    select * from {{ ref('int_reference_people_deduplicated') }}

),

tools as (

    select * from {{ ref('int_reference_tools_deduplicated') }}

),

copilot_listed as (

    select
        'copilot_seats' as listing_source,
        tool_id,
        coalesce(organization_login, '') as listing_scope,
        snapshot_date,
        -- GitHub's user id outlives a renamed login; a deleted user's seat is told apart by its row.
        coalesce(
            assignee_id,
            {{ dbt.concat(["'deleted-user-row-'", "cast(source_row_number as " ~ string_type ~ ")"]) }}
        ) as holder_key,
        case when is_assignee_deleted then 'deleted_github_user' else 'github_login' end as holder_id_type,
        coalesce(assignee_login, 'deleted-user') as holder_id,
        assignee_login as github_login,
        assignee_email as email,
        cast(null as {{ string_type }}) as microsoft_upn,
        cast(seat_created_at as date) as assigned_date,
        pending_cancellation_date,
        last_activity_date,
        cast(null as decimal(38, 10)) as listed_monthly_price,
        cast(null as {{ string_type }}) as listed_currency,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from copilot_seats

),

csv_listed as (

    select
        'seats' as listing_source,
        tool_id,
        '' as listing_scope,
        snapshot_date,
        user_email as holder_key,
        'email' as holder_id_type,
        user_email as holder_id,
        cast(null as {{ string_type }}) as github_login,
        user_email as email,
        cast(null as {{ string_type }}) as microsoft_upn,
        assigned_date,
        cast(null as date) as pending_cancellation_date,
        last_active_date as last_activity_date,
        monthly_price as listed_monthly_price,
        currency as listed_currency,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from csv_seats

),

m365_listed as (

    select
        'm365_copilot' as listing_source,
        tool_id,
        '' as listing_scope,
        report_refresh_date as snapshot_date,
        user_principal_name as holder_key,
        'user_principal_name' as holder_id_type,
        user_principal_name as holder_id,
        cast(null as {{ string_type }}) as github_login,
        -- A user principal name is often the mail address: the fallback when no person lists it as UPN.
        case when not is_identity_concealed then user_principal_name end as email,
        case when not is_identity_concealed then user_principal_name end as microsoft_upn,
        cast(null as date) as assigned_date,
        cast(null as date) as pending_cancellation_date,
        last_activity_date,
        cast(null as decimal(38, 10)) as listed_monthly_price,
        cast(null as {{ string_type }}) as listed_currency,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from m365_users

),

listed as (

    select * from copilot_listed
    union all
    select * from csv_listed
    union all
    select * from m365_listed

),

identifiers as (

    select
        'github_login' as identifier_type,
        lower(trim(github_login)) as identifier,
        person_id
    from people
    where github_login is not null
    union all
    select
        'email' as identifier_type,
        lower(trim(email)) as identifier,
        person_id
    from people
    where email is not null
    union all
    select
        'microsoft_upn' as identifier_type,
        lower(trim(microsoft_upn)) as identifier,
        person_id
    from people
    where microsoft_upn is not null

),

identity_map as (

    select
        identifier_type,
        identifier,
        min(person_id) as person_id
    from identifiers
    group by identifier_type, identifier
    having count(distinct person_id) = 1

),

resolved as (

    select
        listed.*,
        coalesce(by_login.person_id, by_upn.person_id, by_email.person_id) as person_id,
        case
            when by_login.person_id is not null then 'github_login'
            when by_upn.person_id is not null then 'microsoft_upn'
            when by_email.person_id is not null then 'email'
        end as resolved_by
    from listed
    left join identity_map as by_login
        on
            by_login.identifier_type = 'github_login'
            and lower(listed.github_login) = by_login.identifier
    left join identity_map as by_upn
        on
            by_upn.identifier_type = 'microsoft_upn'
            and lower(listed.microsoft_upn) = by_upn.identifier
    left join identity_map as by_email
        on
            by_email.identifier_type = 'email'
            and lower(listed.email) = by_email.identifier

),

priced as (

    select
        resolved.*,
        tools.list_monthly_price,
        tools.currency as list_currency
    from resolved
    left join tools on resolved.tool_id = tools.tool_id

),

final as (

    select
        {{ dbt.concat([
            "tool_id", "'|'", "listing_source", "'|'", "listing_scope", "'|'", "holder_key",
        ]) }} as seat_id,
        {{ dbt.concat([
            "tool_id", "'|'", "listing_source", "'|'", "listing_scope", "'|'", "holder_key",
            "'|'", "cast(snapshot_date as " ~ string_type ~ ")",
        ]) }} as seat_snapshot_id,
        tool_id,
        listing_source,
        listing_scope,
        snapshot_date,
        holder_key,
        holder_id,
        holder_id_type,
        github_login,
        email,
        microsoft_upn,
        person_id,
        person_id is not null as is_holder_resolved,
        resolved_by,
        assigned_date,
        pending_cancellation_date,
        last_activity_date,
        cast(coalesce(listed_monthly_price, list_monthly_price) as decimal(38, 10)) as monthly_price,
        case when listed_monthly_price is not null then listed_currency else list_currency end as currency,
        case
            when listed_monthly_price is not null then 'listing'
            when list_monthly_price is not null then 'list_price'
        end as price_source,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from priced

)

select * from final
