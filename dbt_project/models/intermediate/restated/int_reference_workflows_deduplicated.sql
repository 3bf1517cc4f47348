{#-
    One row per workflow, from the newest landed workflows file only: each file is the whole table, so
    the newest replaces every older one.
-#}
with

restated as (

    {{ latest_export(ref('stg_reference__workflows'), ['reference_kind']) }}

),

final as (

    select
        workflow_id,
        reference_kind,
        workflow_name,
        team_id,
        is_urgent,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from restated

)

select * from final
