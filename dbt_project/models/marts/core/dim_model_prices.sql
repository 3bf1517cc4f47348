{#-
    Dated prices per provider and canonical model, per million tokens: the public list price from
    the genai-prices catalogue, and the company's negotiated rate from reference/prices.csv where it
    has one. Both are kept side by side (price_basis), so an analyst can compare what the list says
    with what was agreed; neither replaces the other here. Periods are half-open; an open end is NULL.
-#}
with

list_prices as (

    select * from {{ ref('int_list_prices_dated') }}

),

negotiated as (

    select * from {{ ref('int_reference_prices_deduplicated') }}

),

model_names as (

    select * from {{ ref('int_model_names_canonicalised') }}

),

list_rows as (

    select
        provider,
        model_id,
        'list' as price_basis,
        valid_from,
        valid_to,
        input_usd_per_mtok as input_price_per_mtok,
        cache_read_usd_per_mtok as cache_read_price_per_mtok,
        cache_write_usd_per_mtok as cache_write_price_per_mtok,
        output_usd_per_mtok as output_price_per_mtok,
        batch_input_usd_per_mtok as batch_input_price_per_mtok,
        batch_output_usd_per_mtok as batch_output_price_per_mtok,
        is_batch_price_assumed,
        'USD' as currency,
        catalogue as price_source
    from list_prices

),

negotiated_rows as (

    select
        negotiated.provider,
        model_names.model_id,
        'negotiated' as price_basis,
        negotiated.valid_from,
        negotiated.valid_to,
        negotiated.input_price_per_mtok,
        negotiated.cache_read_price_per_mtok,
        negotiated.cache_write_price_per_mtok,
        negotiated.output_price_per_mtok,
        cast(null as decimal(38, 10)) as batch_input_price_per_mtok,
        cast(null as decimal(38, 10)) as batch_output_price_per_mtok,
        cast(null as boolean) as is_batch_price_assumed,
        negotiated.currency,
        negotiated.source_file as price_source
    from negotiated
    inner join model_names
        on
            negotiated.provider = model_names.provider
            and negotiated.model = model_names.source_model

),

unioned as (

    select * from list_rows
    union all
    select * from negotiated_rows

),

final as (

    select
        {{ dbt.concat([
            'provider',
            "'|'", 'model_id',
            "'|'", 'price_basis',
            "'|'", "coalesce(" ~ dbt.safe_cast('valid_from', api.Column.translate_type('string')) ~ ", '')",
        ]) }} as model_price_id,
        provider,
        model_id,
        price_basis,
        valid_from,
        case when valid_to < cast('9999-01-01' as date) then valid_to end as valid_to,
        cast(input_price_per_mtok as decimal(38, 10)) as input_price_per_mtok,
        cast(cache_read_price_per_mtok as decimal(38, 10)) as cache_read_price_per_mtok,
        cast(cache_write_price_per_mtok as decimal(38, 10)) as cache_write_price_per_mtok,
        cast(output_price_per_mtok as decimal(38, 10)) as output_price_per_mtok,
        cast(batch_input_price_per_mtok as decimal(38, 10)) as batch_input_price_per_mtok,
        cast(batch_output_price_per_mtok as decimal(38, 10)) as batch_output_price_per_mtok,
        is_batch_price_assumed,
        currency,
        price_source
    from unioned

)

select * from final
