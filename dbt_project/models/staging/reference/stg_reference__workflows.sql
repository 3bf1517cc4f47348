{#-
    One row per workflow of each landed workflows file. is_urgent is true unless the file says
    false or no: a blank means urgent, so no workflow is assumed batchable by default.
-#}
with

source as (

    select * from {{ source('reference', 'workflows') }}

),

renamed as (

    select
        'workflows' as reference_kind,
        trim(workflow_id) as workflow_id,
        nullif(trim(workflow_name), '') as workflow_name,
        nullif(trim(team_id), '') as team_id,
        coalesce(lower(trim(is_urgent)) not in ('false', 'no'), true) as is_urgent,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

)

select * from renamed
