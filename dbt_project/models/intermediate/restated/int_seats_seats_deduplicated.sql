{#-
    One row per seat per tool and snapshot day, from the newest listing of that tool and day: a
    tool's listing landed again for the same day replaces the earlier one whole, while other tools'
    listings of that day stay.
-#}
with

restated as (

    {{ latest_export(ref('stg_seats__seats'), ['snapshot_date', 'tool_id']) }}

),

final as (

    select
        {{ dbt.concat([
            "tool_id",
            "'|'", "cast(snapshot_date as " ~ dbt.type_string() ~ ")",
            "'|'", "user_email",
        ]) }} as seat_snapshot_id,
        snapshot_date,
        snapshot_date_from,
        tool_id,
        user_email,
        assigned_date,
        last_active_date,
        monthly_price,
        currency,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from restated

)

select * from final
