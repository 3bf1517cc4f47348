{#-
    One row per source folder that ever received a file: how many files and rows it delivered, when
    its newest file loaded, and the newest day its data covers, so nobody trusts a stale number.

    The newest day comes from the marts the source feeds: bills from the ledger's charge periods,
    usage reports, gateway logs and telemetry from token usage, task outcomes from tasks, seat
    listings from their snapshots. Reference files describe the company, not days: they have none.
-#}
with

file_loads as (

    select * from {{ ref('stg_ingest__file_loads') }}

),

ledger as (

    select * from {{ ref('focus_cost_and_usage') }}

),

token_usage as (

    select * from {{ ref('fct_token_usage') }}

),

tasks as (

    select * from {{ ref('fct_tasks') }}

),

seat_days as (

    select * from {{ ref('fct_seat_days') }}

),

loads as (

    select
        source_name,
        sum(case when load_status = 'loaded' then 1 else 0 end) as files_loaded,
        sum(case when load_status = 'rejected' then 1 else 0 end) as files_rejected,
        sum(case when load_status = 'duplicate' then 1 else 0 end) as files_duplicate,
        sum(rows_read) as rows_read,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined,
        max(case when load_status = 'loaded' then load_finished_at end) as last_loaded_at,
        max(load_finished_at) as last_seen_at
    from file_loads
    group by source_name

),

billed_days as (

    select
        {{ dbt.split_part('x_SourceFile', "'/'", 1) }} as source_name,  -- noqa: CP02
        max(x_ChargeDate) as data_through_date  -- noqa: CP02
    from ledger
    where x_SourceSystem <> 'seats'  -- noqa: CP02
    group by {{ dbt.split_part('x_SourceFile', "'/'", 1) }}  -- noqa: CP02

),

usage_days as (

    select
        case
            when usage_source = 'gateway' then 'litellm'
            when usage_source = 'telemetry' then 'otel_genai'
            when usage_source = 'provider_usage' and provider = 'openai' then 'openai_usage'
            when usage_source = 'provider_usage' and provider = 'anthropic' then 'anthropic_usage'
        end as source_name,
        max(usage_date) as data_through_date
    from token_usage
    where usage_source in ('gateway', 'telemetry', 'provider_usage')
    group by usage_source, provider

),

task_days as (

    select
        'task_outcomes' as source_name,
        max(started_date) as data_through_date
    from tasks

),

seat_snapshot_days as (

    select
        listing_source as source_name,
        max(snapshot_date) as data_through_date
    from seat_days
    group by listing_source

),

data_days as (

    select
        source_name,
        data_through_date
    from billed_days
    union all
    select
        source_name,
        data_through_date
    from usage_days
    union all
    select
        source_name,
        data_through_date
    from task_days
    union all
    select
        source_name,
        data_through_date
    from seat_snapshot_days

),

newest_days as (

    select
        source_name,
        max(data_through_date) as data_through_date
    from data_days
    where source_name is not null
    group by source_name

),

final as (

    select
        loads.source_name,
        cast(loads.files_loaded as bigint) as files_loaded,
        cast(loads.files_rejected as bigint) as files_rejected,
        cast(loads.files_duplicate as bigint) as files_duplicate,
        cast(loads.rows_read as bigint) as rows_read,
        cast(loads.rows_loaded as bigint) as rows_loaded,
        cast(loads.rows_quarantined as bigint) as rows_quarantined,
        loads.last_loaded_at,
        loads.last_seen_at,
        newest_days.data_through_date
    from loads
    left join newest_days
        on loads.source_name = newest_days.source_name

)

select * from final
