{#-
    `dbt.safe_cast` (macros/safe_cast.sql), on DuckDB and on Spark: a value that does not convert
    becomes NULL, one that does converts as `cast` would. Any row returned is a failure.
-#}

with

cast_values as (

    select
        {{ dbt.safe_cast("'abc'", api.Column.translate_type('integer')) }} as text_as_integer,
        {{ dbt.safe_cast("'2026-02-30'", api.Column.translate_type('date')) }} as impossible_date,
        {{ dbt.safe_cast("'12.50'", 'decimal(38, 10)') }} as money_text_as_decimal,
        {{ dbt.safe_cast("'42'", api.Column.translate_type('integer')) }} as digits_as_integer

),

final as (

    select *
    from cast_values
    where
        text_as_integer is not null
        or impossible_date is not null
        or money_text_as_decimal is distinct from 12.5
        or digits_as_integer is distinct from 42

)

select * from final
