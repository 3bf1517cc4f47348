{#-
    One row per seat of each Copilot seat listing: ids as strings, logins and emails lower-cased (GitHub
    treats them case-insensitively), ISO 8601 times with offsets converted once to UTC. A seat whose
    user was deleted has no assignee and is kept: GitHub bills it until it is removed. Not deduplicated
    (int_copilot_seats_seats_deduplicated keeps the newest listing of a day).
-#}
with

source as (

    select * from {{ source('copilot_seats', 'seats') }}

),

renamed as (

    select
        snapshot_date,
        snapshot_date_from,
        'github_copilot' as tool_id,
        organization_login,
        cast(organization_id as {{ dbt.type_string() }}) as organization_id,
        cast(assignee_id as {{ dbt.type_string() }}) as assignee_id,
        lower(assignee_login) as assignee_login,
        assignee_type,
        lower(assignee_email) as assignee_email,
        assigning_team_id,
        assigning_team_slug,
        assigning_team_name,
        plan_type,
        pending_cancellation_date,
        last_activity_editor,
        listing_total_seats,
        created_at as created_at_text,
        updated_at as updated_at_text,
        last_activity_at as last_activity_at_text,
        last_authenticated_at as last_authenticated_at_text,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

),

converted as (

    select
        *,
        -- ISO 8601 text carries its offset: read it as an instant, keep it as a UTC timestamp
        -- (the session time zone is UTC, see profiles.yml).
        {{ utc_timestamp_from_text('created_at_text') }} as seat_created_at,
        {{ utc_timestamp_from_text('updated_at_text') }} as seat_updated_at,
        {{ utc_timestamp_from_text('last_activity_at_text') }} as last_activity_at,
        {{ utc_timestamp_from_text('last_authenticated_at_text') }}
            as last_authenticated_at

    from renamed

),

final as (

    select
        snapshot_date,
        snapshot_date_from,
        tool_id,
        organization_login,
        organization_id,
        assignee_id,
        assignee_login,
        assignee_type,
        assignee_email,
        assignee_id is null and assignee_login is null as is_assignee_deleted,
        assigning_team_id,
        assigning_team_slug,
        assigning_team_name,
        plan_type,
        seat_created_at,
        seat_updated_at,
        last_activity_at,
        cast(last_activity_at as date) as last_activity_date,
        last_activity_editor,
        last_authenticated_at,
        pending_cancellation_date,
        pending_cancellation_date is not null as is_pending_cancellation,
        listing_total_seats,
        source_file,
        source_row_number,
        load_id,
        _loaded_at

    from converted

)

select * from final
