{#-
    One row per seat of each seat CSV: tool ids and emails normalised for matching, the monthly
    price as DECIMAL(38, 10) with its upper-case currency code. A blank price stays NULL (the tool's
    list price in reference tools applies); a blank last_active_date means never used. Not
    deduplicated (int_seats_seats_deduplicated keeps the newest listing of a tool and day).
-#}
with

source as (

    select * from {{ source('seats', 'seats') }}

),

renamed as (

    select
        snapshot_date,
        snapshot_date_from,
        lower(trim(tool)) as tool_id,
        lower(trim(user_email)) as user_email,
        assigned_date,
        last_active_date,
        cast(monthly_price as decimal(38, 10)) as monthly_price,
        upper(trim(currency)) as currency,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

)

select * from renamed
