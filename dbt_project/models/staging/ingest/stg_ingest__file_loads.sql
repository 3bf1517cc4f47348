{#-
    One row per landed file per load attempt, as the loader recorded it. Paths are relative to the
    landing folder; times are UTC.
-#}
with

source as (

    select * from {{ source('ingest', 'file_loads') }}

),

renamed as (

    select
        load_id,
        source as source_name,
        file as source_file,
        sha256 as file_sha256,
        size_bytes,
        modified_at as file_modified_at,
        status as load_status,
        rows_read,
        rows_loaded,
        rows_quarantined,
        extra_columns,
        error as load_error,
        started_at as load_started_at,
        finished_at as load_finished_at

    from source

)

select * from renamed
