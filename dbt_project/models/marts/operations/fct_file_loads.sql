{#-
    One row per landed file per load attempt: what reached the warehouse, what was refused and why.
-#}
with

file_loads as (

    select * from {{ ref('stg_ingest__file_loads') }}

),

final as (

    select
        load_id,
        source_name,
        source_file,
        file_sha256,
        cast(size_bytes as bigint) as size_bytes,
        file_modified_at,
        load_status,
        cast(rows_read as bigint) as rows_read,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_quarantined as bigint) as rows_quarantined,
        extra_columns,
        load_error,
        load_started_at,
        load_finished_at
    from file_loads

)

select * from final
