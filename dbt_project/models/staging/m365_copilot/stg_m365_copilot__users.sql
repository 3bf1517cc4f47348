{#-
    One row per licensed user of each Microsoft 365 Copilot usage report. Blank dates (never used)
    are NULL; a user is active in the report's period when their last activity falls within the
    period's days, which end on the refresh date. A concealed user principal name (a hash, no @) is
    flagged: such rows count licences but match no person. Not deduplicated
    (int_m365_copilot_users_deduplicated keeps the newest report of a refresh date).
-#}
with

source as (

    select * from {{ source('m365_copilot', 'usage_user_detail') }}

),

renamed as (

    select
        report_refresh_date,
        'm365_copilot' as tool_id,
        lower(user_principal_name) as user_principal_name,
        display_name,
        user_principal_name not like '%@%' as is_identity_concealed,
        last_activity_date,
        copilot_chat_last_activity_date,
        teams_copilot_last_activity_date,
        word_copilot_last_activity_date,
        excel_copilot_last_activity_date,
        powerpoint_copilot_last_activity_date,
        outlook_copilot_last_activity_date,
        onenote_copilot_last_activity_date,
        loop_copilot_last_activity_date,
        report_period as report_period_days,
        _extra as extra_columns,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

),

dated as (

    select
        *,
        {{ dbt.datediff('last_activity_date', 'report_refresh_date', 'day') }}
            as days_from_last_activity_to_refresh

    from renamed

),

final as (

    select
        report_refresh_date,
        tool_id,
        user_principal_name,
        display_name,
        is_identity_concealed,
        last_activity_date,
        copilot_chat_last_activity_date,
        teams_copilot_last_activity_date,
        word_copilot_last_activity_date,
        excel_copilot_last_activity_date,
        powerpoint_copilot_last_activity_date,
        outlook_copilot_last_activity_date,
        onenote_copilot_last_activity_date,
        loop_copilot_last_activity_date,
        report_period_days,
        -- The period's days end on the refresh date: D7 refreshed on the 10th covers the 4th to
        -- the 10th. Never used (NULL) is not active.
        coalesce(days_from_last_activity_to_refresh < report_period_days, false) as is_active_in_period,
        extra_columns,
        source_file,
        source_row_number,
        load_id,
        _loaded_at

    from dated

)

select * from final
