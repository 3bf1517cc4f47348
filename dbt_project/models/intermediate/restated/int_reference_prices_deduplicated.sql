{#-
    One row per negotiated model price period, from the newest landed prices file only: each file is the
    whole table, so the newest replaces every older one (a row deleted from the file disappears here
    too).
-#}
with

restated as (

    {{ latest_export(ref('stg_reference__prices'), ['reference_kind']) }}

),

final as (

    select
        {{ dbt.concat([
            "provider",
            "'|'", "model",
            "'|'", "coalesce(cast(valid_from as " ~ dbt.type_string() ~ "), '')",
        ]) }} as price_id,
        reference_kind,
        provider,
        model,
        valid_from,
        valid_to,
        input_price_per_mtok,
        cache_read_price_per_mtok,
        cache_write_price_per_mtok,
        output_price_per_mtok,
        currency,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from restated

)

select * from final
