{#-
    On the day of every listing (a tool's seat snapshot, per Copilot organisation), int_seat_days_expanded
    holds exactly the seats that listing lists, counted straight from the deduplicated sources: no
    seat lost, none carried over from an older listing. A seat the listing dates as assigned after
    the listing's day does not exist yet and is not counted (the seat CSV is written by hand and may
    list a seat ahead of its assignment). Returns every listing whose counts differ.
-#}
with

copilot_listings as (

    select
        tool_id,
        'copilot_seats' as listing_source,
        coalesce(organization_login, '') as listing_scope,
        snapshot_date,
        count(*) as listed_seats
    from {{ ref('int_copilot_seats_seats_deduplicated') }}
    where cast(seat_created_at as date) <= snapshot_date
    group by tool_id, coalesce(organization_login, ''), snapshot_date

),

csv_listings as (

    select
        tool_id,
        'seats' as listing_source,
        '' as listing_scope,
        snapshot_date,
        count(*) as listed_seats
    from {{ ref('int_seats_seats_deduplicated') }}
    where assigned_date is null or assigned_date <= snapshot_date
    group by tool_id, snapshot_date

),

m365_listings as (

    select
        tool_id,
        'm365_copilot' as listing_source,
        '' as listing_scope,
        report_refresh_date as snapshot_date,
        count(*) as listed_seats
    from {{ ref('int_m365_copilot_users_deduplicated') }}
    group by tool_id, report_refresh_date

),

listings as (

    select * from copilot_listings
    union all
    select * from csv_listings
    union all
    select * from m365_listings

),

seats_on_listing_day as (

    select
        tool_id,
        listing_source,
        listing_scope,
        seat_date,
        count(*) as seat_days
    from {{ ref('int_seat_days_expanded') }}
    group by tool_id, listing_source, listing_scope, seat_date

),

final as (

    select
        listings.tool_id,
        listings.listing_source,
        listings.listing_scope,
        listings.snapshot_date,
        listings.listed_seats,
        coalesce(seats_on_listing_day.seat_days, 0) as seat_days
    from listings
    left join seats_on_listing_day
        on
            listings.tool_id = seats_on_listing_day.tool_id
            and listings.listing_source = seats_on_listing_day.listing_source
            and listings.listing_scope = seats_on_listing_day.listing_scope
            and listings.snapshot_date = seats_on_listing_day.seat_date
    where coalesce(seats_on_listing_day.seat_days, 0) <> listings.listed_seats

)

select * from final
