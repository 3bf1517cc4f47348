{#-
    One verdict per load the validation step checked: passed, warned or blocked, with the problems
    it found. Times are UTC.
-#}
with

source as (

    select * from {{ source('ingest', 'load_validations') }}

),

renamed as (

    select
        load_id,
        validation_id,
        validated_at,
        status as validation_status,
        problems as validation_problems

    from source

)

select * from renamed
