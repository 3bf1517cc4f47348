{#-
    One row per input row the loader kept out of the raw layer: its file, line or row number and
    reason. The row's text is left out (see the source's description).
-#}
with

source as (

    select * from {{ source('ingest', 'quarantine') }}

),

renamed as (

    select
        load_id,
        source as source_name,
        file as source_file,
        file_sha256,
        row_number as source_row_number,
        reason as quarantine_reason

    from source

)

select * from renamed
