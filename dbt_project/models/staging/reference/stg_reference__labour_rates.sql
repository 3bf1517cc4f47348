{#-
    One row per team rate of each landed labour rates file: the hourly cost as DECIMAL(38, 10) with
    its upper-case currency, in force from valid_from (NULL: since before any data) until the team's
    next valid_from.
-#}
with

source as (

    select * from {{ source('reference', 'labour_rates') }}

),

renamed as (

    select
        'labour_rates' as reference_kind,
        trim(team_id) as team_id,
        cast(hourly_cost as decimal(38, 10)) as hourly_cost,
        upper(trim(currency)) as currency,
        valid_from,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

)

select * from renamed
