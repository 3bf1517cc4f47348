{#-
    One row per team rate, from the newest landed labour_rates file only: each file is the whole table,
    so the newest replaces every older one (a row deleted from the file disappears here too).
-#}
with

restated as (

    {{ latest_export(ref('stg_reference__labour_rates'), ['reference_kind']) }}

),

final as (

    select
        {{ dbt.concat([
            "team_id",
            "'|'", "coalesce(cast(valid_from as " ~ dbt.type_string() ~ "), '')",
        ]) }} as labour_rate_id,
        reference_kind,
        team_id,
        hourly_cost,
        currency,
        valid_from,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from restated

)

select * from final
