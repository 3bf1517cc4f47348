{#-
    List prices per provider, canonical model and period, from the genai-prices catalogue snapshot
    loaded into the raw layer, through the offerings seed (which catalogue entry prices a model sold
    by a provider: Claude on Bedrock is priced by AWS's entry, not Anthropic's). Per million tokens,
    USD; `valid_to` is the first day a price no longer holds.
-#}
with

catalogue as (

    select * from {{ source('genai_prices', 'model_prices') }}

),

offerings as (

    select * from {{ ref('model_offerings') }}

),

final as (

    select
        offerings.provider,
        offerings.model_id,
        catalogue.valid_from,
        catalogue.valid_to,
        catalogue.input_usd_per_mtok,
        catalogue.cache_read_usd_per_mtok,
        catalogue.cache_write_usd_per_mtok,
        catalogue.output_usd_per_mtok,
        coalesce(catalogue.batch_input_usd_per_mtok, catalogue.input_usd_per_mtok * 0.5)
            as batch_input_usd_per_mtok,
        coalesce(catalogue.batch_output_usd_per_mtok, catalogue.output_usd_per_mtok * 0.5)
            as batch_output_usd_per_mtok,
        catalogue.batch_input_usd_per_mtok is null as is_batch_price_assumed,
        catalogue.catalogue
    from offerings
    inner join catalogue
        on
            offerings.catalogue_provider_id = catalogue.provider_id
            and offerings.catalogue_model_id = catalogue.model_id

)

select * from final
