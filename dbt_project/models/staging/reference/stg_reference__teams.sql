{#-
    One row per team of each landed teams file. reference_kind is the restatement unit: the newest
    teams file replaces every older one (int_reference_teams_deduplicated).
-#}
with

source as (

    select * from {{ source('reference', 'teams') }}

),

renamed as (

    select
        'teams' as reference_kind,
        trim(team_id) as team_id,
        trim(team_name) as team_name,
        trim(cost_centre) as cost_centre,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

)

select * from renamed
