{#-
    One row per seat per snapshot day of each GitHub organisation, from the newest listing of that
    day: a listing fetched again the same day replaces the earlier one whole, so seats removed in
    between disappear rather than linger. A deleted user's seat has no assignee id; its row in the
    listing tells it apart.
-#}
{%- set string_type = dbt.type_string() -%}
{%- set deleted_user_seat = dbt.concat([
    "'deleted-user-row-'", "cast(source_row_number as " ~ string_type ~ ")",
]) -%}
with

restated as (

    {{ latest_export(ref('stg_copilot_seats__seats'), ['snapshot_date', 'organization_login']) }}

),

final as (

    select
        {{ dbt.concat([
            "cast(snapshot_date as " ~ string_type ~ ")",
            "'|'", "coalesce(organization_login, '')",
            "'|'", "coalesce(assignee_id, " ~ deleted_user_seat ~ ")",
        ]) }} as seat_snapshot_id,
        snapshot_date,
        snapshot_date_from,
        tool_id,
        organization_login,
        organization_id,
        assignee_id,
        assignee_login,
        assignee_type,
        assignee_email,
        is_assignee_deleted,
        assigning_team_id,
        assigning_team_slug,
        assigning_team_name,
        plan_type,
        seat_created_at,
        seat_updated_at,
        last_activity_at,
        last_activity_date,
        last_activity_editor,
        last_authenticated_at,
        pending_cancellation_date,
        is_pending_cancellation,
        listing_total_seats,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from restated

)

select * from final
