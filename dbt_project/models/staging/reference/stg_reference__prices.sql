{#-
    One row per negotiated model price of each landed prices file, per million tokens as
    DECIMAL(38, 10) with its upper-case currency. Periods are half-open; an open end is NULL.
-#}
with

source as (

    select * from {{ source('reference', 'prices') }}

),

renamed as (

    select
        'prices' as reference_kind,
        lower(trim(provider)) as provider,
        trim(model) as model,  -- noqa: RF04
        valid_from,
        case when valid_to < cast('9999-01-01' as date) then valid_to end as valid_to,
        cast(input as decimal(38, 10)) as input_price_per_mtok,
        cast(cache_read as decimal(38, 10)) as cache_read_price_per_mtok,
        cast(cache_write as decimal(38, 10)) as cache_write_price_per_mtok,
        cast(output as decimal(38, 10)) as output_price_per_mtok,
        upper(trim(currency)) as currency,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

)

select * from renamed
