{#-
    One row per team and month of each landed budgets file: the month as its first day, the budget
    as DECIMAL(38, 10) with its upper-case currency.
-#}
with

source as (

    select * from {{ source('reference', 'budgets') }}

),

renamed as (

    select
        'budgets' as reference_kind,
        trim(team_id) as team_id,
        month as budget_month,
        cast(budget as decimal(38, 10)) as budget_amount,
        upper(trim(currency)) as currency,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

)

select * from renamed
