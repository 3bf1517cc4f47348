{#-
    One row per credential per ownership period, from the newest landed credentials file only: each file
    is the whole table, so the newest replaces every older one (a row deleted from the file disappears
    here too).
-#}
with

restated as (

    {{ latest_export(ref('stg_reference__credentials'), ['reference_kind']) }}

),

final as (

    select
        {{ dbt.concat([
            "credential_type",
            "'|'", "credential_id",
            "'|'", "coalesce(cast(valid_from as " ~ dbt.type_string() ~ "), '')",
        ]) }} as credential_period_id,
        reference_kind,
        credential_type,
        credential_id,
        credential_name,
        team_id,
        workflow_id,
        valid_from,
        valid_to,
        note,
        allocation,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from restated

)

select * from final
