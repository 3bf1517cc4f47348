{#-
    One row per licensed user per report refresh date, from the newest report of that date: a
    report downloaded again for the same refresh date replaces the earlier one whole.
-#}
with

restated as (

    {{ latest_export(ref('stg_m365_copilot__users'), ['report_refresh_date']) }}

),

final as (

    select
        {{ dbt.concat([
            "cast(report_refresh_date as " ~ dbt.type_string() ~ ")",
            "'|'", "user_principal_name",
        ]) }} as user_snapshot_id,
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
        extra_columns,
        source_file,
        source_row_number,
        load_id,
        _loaded_at,
        is_active_in_period
    from restated

)

select * from final
