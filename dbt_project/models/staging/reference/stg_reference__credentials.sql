{#-
    One row per credential per ownership period of each landed credentials file. credential_id is
    already LiteLLM's key hash for litellm_key rows (the loader hashes a raw key). Periods are
    half-open; an open end, blank or written 9999-12-31, is NULL.
-#}
with

source as (

    select * from {{ source('reference', 'credentials') }}

),

renamed as (

    select
        'credentials' as reference_kind,
        lower(trim(credential_type)) as credential_type,
        credential_id,
        trim(credential_name) as credential_name,
        trim(team_id) as team_id,
        trim(workflow_id) as workflow_id,
        valid_from,
        case when valid_to < cast('9999-01-01' as date) then valid_to end as valid_to,
        note,
        coalesce(nullif(lower(trim(allocation)), ''), 'owner') as allocation,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

)

select * from renamed
