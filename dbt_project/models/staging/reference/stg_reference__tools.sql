{#-
    One row per tool of each landed tools file; a seat tool's list price per month as
    DECIMAL(38, 10) with its upper-case currency.
-#}
with

source as (

    select * from {{ source('reference', 'tools') }}

),

renamed as (

    select
        'tools' as reference_kind,
        trim(tool_id) as tool_id,
        trim(tool_name) as tool_name,
        trim(vendor) as vendor,
        lower(trim(category)) as category,
        lower(trim(billing_model)) as billing_model,
        cast(list_monthly_price as decimal(38, 10)) as list_monthly_price,
        upper(trim(currency)) as currency,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

)

select * from renamed
