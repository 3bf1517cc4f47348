{#-
    One row per expectation the validation step checked on one batch of new loads of a raw table:
    its suite, type, column and description, its severity, whether it held, and the rows that did
    not. Times are UTC.
-#}
with

source as (

    select * from {{ source('ingest', 'expectation_results') }}

),

renamed as (

    select
        validation_id,
        validated_at,
        source as source_name,
        raw_table,
        suite as suite_name,
        expectation as expectation_type,
        column_name,
        description as expectation_description,
        severity,
        success as is_successful,
        loads_checked,
        rows_checked,
        rows_failed,
        failed_examples

    from source

)

select * from renamed
