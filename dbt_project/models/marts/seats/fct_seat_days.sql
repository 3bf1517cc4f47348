{{
    config(
        materialized='incremental',
        unique_key='seat_date',
        incremental_strategy=day_partition_strategy(),
        partition_by=day_partitions('seat_date'),
        on_schema_change='fail',
    )
}}

{#-
    Seat-days, rebuilt a whole month at a time: a day's cost carries its seat-month's rounding
    remainder on the month's last seat-day, so every day of a month is rebuilt together. An
    incremental run rebuilds the months a newly loaded listing reaches (its day and the 14 days it
    may be carried forward), every month from the newest one already built (the newest listing of
    any seat source bounds the days, so a new one extends the other tools' days too), and every
    month when reference people or tools changed (holders, teams and list prices).
-#}

-- depends_on: {{ ref('int_copilot_seats_seats_deduplicated') }}
-- depends_on: {{ ref('int_seats_seats_deduplicated') }}
-- depends_on: {{ ref('int_m365_copilot_users_deduplicated') }}

with

seat_days as (

    select * from {{ ref('int_seat_days_expanded') }}

),

people as (

    select * from {{ ref('int_reference_people_deduplicated') }}

),

tools as (

    select * from {{ ref('int_reference_tools_deduplicated') }}

),

reference_loads as (

    {{ newest_reference_load(['people', 'tools']) }}

),

{% if is_incremental() %}

    last_build as (

        select coalesce(max(last_loaded_at), cast('1900-01-01' as timestamp)) as last_loaded_at
        from {{ this }}

    ),

    new_listings as (

        select snapshot_date
        from {{ ref('int_copilot_seats_seats_deduplicated') }}
        where _loaded_at > (select last_loaded_at from last_build) {{ in_rebuild_window('snapshot_date') }}
        union all
        select snapshot_date
        from {{ ref('int_seats_seats_deduplicated') }}
        where _loaded_at > (select last_loaded_at from last_build) {{ in_rebuild_window('snapshot_date') }}
        union all
        select report_refresh_date as snapshot_date
        from {{ ref('int_m365_copilot_users_deduplicated') }}
        where _loaded_at > (select last_loaded_at from last_build) {{ in_rebuild_window('report_refresh_date') }}

    ),

    rebuilt_months as (

        select cast({{ dbt.date_trunc('month', 'snapshot_date') }} as date) as seat_month_start
        from new_listings
        union all
        select cast({{ dbt.date_trunc('month', dbt.dateadd('day', 14, 'snapshot_date')) }} as date)
            as seat_month_start
        from new_listings
        union all
        select distinct seat_days.seat_month_start
        from seat_days
        where seat_days.seat_month_start >= (
            select cast({{ dbt.date_trunc('month', 'max(seat_date)') }} as date) from {{ this }}
        )
        union all
        select distinct seat_days.seat_month_start
        from seat_days
        cross join reference_loads
        where reference_loads.reference_loaded_at > (select last_loaded_at from last_build)

    ),

{% endif %}

final as (

    select
        seat_days.seat_day_id,
        seat_days.seat_date,
        seat_days.seat_month_start,
        seat_days.seat_id,
        seat_days.tool_id,
        seat_days.listing_source,
        seat_days.holder_id,
        seat_days.holder_id_type,
        seat_days.person_id,
        seat_days.is_holder_resolved,
        seat_days.team_id,
        seat_days.has_team_on_day,
        seat_days.snapshot_date,
        cast(seat_days.days_since_snapshot as bigint) as days_since_snapshot,
        seat_days.assigned_date,
        seat_days.last_activity_date,
        cast(seat_days.days_since_last_activity as bigint) as days_since_last_activity,
        seat_days.is_active_28d,
        cast(seat_days.monthly_price as decimal(38, 10)) as monthly_price,
        seat_days.price_source,
        cast(seat_days.daily_cost as decimal(38, 10)) as daily_cost,
        seat_days.currency,
        seat_days.source_file,
        seat_days.load_id,
        case
            when reference_loads.reference_loaded_at > seat_days._loaded_at
                then reference_loads.reference_loaded_at
            else seat_days._loaded_at
        end as last_loaded_at
    from seat_days
    cross join reference_loads
    {% if is_incremental() %}
        where seat_days.seat_month_start in (select seat_month_start from rebuilt_months)
    {% endif %}

)

select * from final
