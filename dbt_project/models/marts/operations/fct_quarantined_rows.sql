{#-
    One row per input row kept out of the raw layer, with its file, line or row number and reason.
-#}
with

quarantined_rows as (

    select * from {{ ref('stg_ingest__quarantined_rows') }}

),

file_loads as (

    select * from {{ ref('stg_ingest__file_loads') }}

),

final as (

    select
        {{ dbt.concat([
            "quarantined_rows.load_id",
            "'|'",
            "cast(quarantined_rows.source_row_number as " ~ dbt.type_string() ~ ")",
        ]) }} as quarantined_row_id,
        quarantined_rows.load_id,
        quarantined_rows.source_name,
        quarantined_rows.source_file,
        cast(quarantined_rows.source_row_number as bigint) as source_row_number,
        quarantined_rows.quarantine_reason,
        file_loads.load_finished_at as loaded_at
    from quarantined_rows
    inner join file_loads
        on quarantined_rows.load_id = file_loads.load_id

)

select * from final
