{#-
    One row per landed file per load attempt: what reached the warehouse, what was refused and why,
    and what the validation step made of what reached it.
-#}
with

file_loads as (

    select * from {{ ref('stg_ingest__file_loads') }}

),

load_validations as (

    select * from {{ ref('stg_ingest__load_validations') }}

),

-- A load checked again (a validation step rerun) keeps its newest verdict.
ranked_verdicts as (

    select
        load_id,
        validation_status,
        row_number() over (
            partition by load_id
            order by validated_at desc, validation_id desc
        ) as recency_rank
    from load_validations

),

latest_verdicts as (

    select
        load_id,
        validation_status
    from ranked_verdicts
    where recency_rank = 1

),

final as (

    select
        file_loads.load_id,
        file_loads.source_name,
        file_loads.source_file,
        file_loads.file_sha256,
        cast(file_loads.size_bytes as bigint) as size_bytes,
        file_loads.file_modified_at,
        file_loads.load_status,
        cast(file_loads.rows_read as bigint) as rows_read,
        cast(file_loads.rows_loaded as bigint) as rows_loaded,
        cast(file_loads.rows_quarantined as bigint) as rows_quarantined,
        file_loads.extra_columns,
        file_loads.load_error,
        file_loads.load_started_at,
        file_loads.load_finished_at,
        coalesce(latest_verdicts.validation_status, 'not validated') as validation_status
    from file_loads
    left join latest_verdicts
        on file_loads.load_id = latest_verdicts.load_id

)

select * from final
