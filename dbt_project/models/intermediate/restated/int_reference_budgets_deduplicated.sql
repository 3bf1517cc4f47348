{#-
    One row per team and month, from the newest landed budgets file only: each file is the whole table,
    so the newest replaces every older one (a row deleted from the file disappears here too).
-#}
with

restated as (

    {{ latest_export(ref('stg_reference__budgets'), ['reference_kind']) }}

),

final as (

    select
        {{ dbt.concat([
            "team_id",
            "'|'", "cast(budget_month as " ~ dbt.type_string() ~ ")",
        ]) }} as budget_id,
        reference_kind,
        team_id,
        budget_month,
        budget_amount,
        currency,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from restated

)

select * from final
