{#-
    One row per tool, from the newest landed tools file only: each file is the whole table, so the
    newest replaces every older one (a row deleted from the file disappears here too).
-#}
with

restated as (

    {{ latest_export(ref('stg_reference__tools'), ['reference_kind']) }}

),

final as (

    select
        reference_kind,
        tool_id,
        tool_name,
        vendor,
        category,
        billing_model,
        list_monthly_price,
        currency,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from restated

)

select * from final
