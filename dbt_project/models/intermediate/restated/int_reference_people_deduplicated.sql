{#-
    One row per person per team period, from the newest landed people file only: each file is the whole
    table, so the newest replaces every older one (a row deleted from the file disappears here too).
-#}
with

restated as (

    {{ latest_export(ref('stg_reference__people'), ['reference_kind']) }}

),

final as (

    select
        {{ dbt.concat([
            "person_id",
            "'|'", "coalesce(cast(valid_from as " ~ dbt.type_string() ~ "), '')",
        ]) }} as person_period_id,
        reference_kind,
        person_id,
        email,
        display_name,
        github_login,
        microsoft_upn,
        gateway_user_id,
        team_id,
        valid_from,
        valid_to,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from restated

)

select * from final
