{#-
    One row per person per team period of each landed people file. Identities are lower-cased for
    matching (emails, GitHub logins and Microsoft UPNs are case-insensitive). Periods are half-open:
    valid_from inclusive, valid_to exclusive; an open end, blank or written 9999-12-31, is NULL.
-#}
with

source as (

    select * from {{ source('reference', 'people') }}

),

renamed as (

    select
        'people' as reference_kind,
        trim(person_id) as person_id,
        lower(trim(email)) as email,
        trim(display_name) as display_name,
        lower(trim(github_login)) as github_login,
        lower(trim(microsoft_upn)) as microsoft_upn,
        trim(gateway_user_id) as gateway_user_id,
        trim(team_id) as team_id,
        valid_from,
        -- A far-future end date is how spreadsheets say "still true".
        case when valid_to < cast('9999-01-01' as date) then valid_to end as valid_to,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

)

select * from renamed
