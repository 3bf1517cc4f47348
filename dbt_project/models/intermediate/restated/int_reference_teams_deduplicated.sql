{#-
    One row per team, from the newest landed teams file only: each file is the whole table, so the
    newest replaces every older one (a row deleted from the file disappears here too).
-#}
with

restated as (

    {{ latest_export(ref('stg_reference__teams'), ['reference_kind']) }}

),

final as (

    select
        reference_kind,
        team_id,
        team_name,
        cost_centre,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from restated

)

select * from final
