{#-
    The reclaim list: every seat not used in the 28 days ending on the newest seat day, with who
    holds it, what it costs a month and how long it has gone unused.
-#}
with

seat_days as (

    select * from {{ ref('fct_seat_days') }}

),

people as (

    select * from {{ ref('dim_people') }}

),

tools as (

    select * from {{ ref('dim_tools') }}

),

newest_day as (

    select max(seat_date) as as_of_date from seat_days

),

first_seen as (

    select
        seat_id,
        min(seat_date) as first_seen_date
    from seat_days
    group by seat_id

),

idle_seats as (

    select
        seat_days.*,
        newest_day.as_of_date
    from seat_days
    inner join newest_day on seat_days.seat_date = newest_day.as_of_date
    where not seat_days.is_active_28d

),

final as (

    select
        idle_seats.seat_id,
        idle_seats.as_of_date,
        idle_seats.tool_id,
        tools.tool_name,
        tools.category as tool_category,
        idle_seats.listing_source,
        idle_seats.holder_id,
        idle_seats.holder_id_type,
        idle_seats.person_id,
        idle_seats.is_holder_resolved,
        coalesce(
            people.email,
            case
                when
                    idle_seats.holder_id_type in ('email', 'user_principal_name')
                    and idle_seats.holder_id like '%@%'
                    then lower(idle_seats.holder_id)
            end
        ) as holder_email,
        coalesce(people.display_name, idle_seats.holder_id) as holder_display_name,
        idle_seats.team_id,
        idle_seats.assigned_date,
        first_seen.first_seen_date,
        idle_seats.last_activity_date,
        idle_seats.days_since_last_activity,
        cast(coalesce(
            idle_seats.days_since_last_activity,
            {{ dbt.datediff(
                'coalesce(idle_seats.assigned_date, first_seen.first_seen_date)', 'idle_seats.as_of_date', 'day'
            ) }}
        ) as bigint) as days_idle,
        idle_seats.monthly_price,
        idle_seats.currency,
        idle_seats.snapshot_date
    from idle_seats
    inner join first_seen on idle_seats.seat_id = first_seen.seat_id
    left join people on idle_seats.person_id = people.person_id
    left join tools on idle_seats.tool_id = tools.tool_id

)

select * from final
