{#-
    One row per seat per day it exists. A listing (snapshot) is a complete picture of a tool's seats
    on its day, taken weekly or so; between listings the newest one on or before a day stands for
    that day, but for at most 14 days after it was taken (a listing that stops arriving does not
    bill for ever), never past the newest listing of any seat source (the warehouse knows nothing
    later), never before the seat was assigned, and for a Copilot seat pending cancellation not from
    its cancellation date on. Days before a tool's first listing have no seats.

    Each day carries the holder's team that day (their reference people period covering it;
    `unallocated` when the holder resolves to nobody or to no team that day), whether the seat was
    used in the 28 days ending that day (as far as the day's listing knows), and its cost: the
    monthly price times that month's share of one day, rounded to 10 places, with the seat-month's
    rounding remainder on its last seat-day, so a full month of seat-days adds up to exactly the
    monthly price and a part month to the price times its days over the month's days.
-#}
{%- set max_days_carried_forward = 14 -%}
{%- set seat_window = 'partition by seat_id, seat_month_start, currency' -%}
with

seat_snapshots as (

    select * from {{ ref('int_seat_snapshots_unioned') }}

),

people as (

    select * from {{ ref('int_reference_people_deduplicated') }}

),

listings as (

    select distinct
        tool_id,
        listing_source,
        listing_scope,
        snapshot_date
    from seat_snapshots

),

as_of as (

    select max(snapshot_date) as as_of_date from seat_snapshots

),

chained as (

    select
        listings.*,
        lead(listings.snapshot_date) over (
            partition by listings.tool_id, listings.listing_source, listings.listing_scope
            order by listings.snapshot_date
        ) as next_snapshot_date
    from listings

),

offsets as (

    {% for offset in range(max_days_carried_forward + 1) %}
        select {{ offset }} as days_since_snapshot
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

listing_days as (

    select
        chained.*,
        offsets.days_since_snapshot,
        as_of.as_of_date,
        cast({{ dbt.dateadd('day', 'offsets.days_since_snapshot', 'chained.snapshot_date') }} as date)
            as seat_date
    from chained
    cross join offsets
    cross join as_of

),

covered_days as (

    select *
    from listing_days
    where
        seat_date <= as_of_date
        and (next_snapshot_date is null or seat_date < next_snapshot_date)

),

seat_days as (

    select
        seat_snapshots.*,
        covered_days.seat_date,
        covered_days.days_since_snapshot
    from seat_snapshots
    inner join covered_days
        on
            seat_snapshots.tool_id = covered_days.tool_id
            and seat_snapshots.listing_source = covered_days.listing_source
            and seat_snapshots.listing_scope = covered_days.listing_scope
            and seat_snapshots.snapshot_date = covered_days.snapshot_date
    where
        (seat_snapshots.assigned_date is null or covered_days.seat_date >= seat_snapshots.assigned_date)
        -- The listing itself is the truth of its day; only the days carried forward stop at a
        -- pending cancellation.
        and (
            covered_days.days_since_snapshot = 0
            or seat_snapshots.pending_cancellation_date is null
            or covered_days.seat_date < seat_snapshots.pending_cancellation_date
        )

),

memberships as (

    select
        seat_days.seat_id,
        seat_days.seat_date,
        people.team_id,
        row_number() over (
            partition by seat_days.seat_id, seat_days.seat_date
            order by people.valid_from desc
        ) as membership_rank
    from seat_days
    inner join people
        on
            seat_days.person_id = people.person_id
            and (people.valid_from is null or seat_days.seat_date >= people.valid_from)
            and (people.valid_to is null or seat_days.seat_date < people.valid_to)

),

teamed as (

    select
        seat_days.*,
        memberships.team_id is not null as has_team_on_day,
        coalesce(memberships.team_id, 'unallocated') as team_id,
        cast({{ dbt.date_trunc('month', 'seat_days.seat_date') }} as date) as seat_month_start,
        {{ days_in_month('seat_days.seat_date') }} as days_in_month,
        {{ dbt.datediff('seat_days.last_activity_date', 'seat_days.seat_date', 'day') }}
            as days_since_last_activity
    from seat_days
    left join memberships
        on
            seat_days.seat_id = memberships.seat_id
            and seat_days.seat_date = memberships.seat_date
            and memberships.membership_rank = 1

),

day_priced as (

    select
        *,
        cast(
            cast(monthly_price as decimal(20, 10)) * {{ day_share_of_month('days_in_month') }}
            as decimal(38, 10)
        ) as rounded_daily_cost
    from teamed

),

month_totals as (

    select
        *,
        -- The seat-month's exact cost: its days' monthly prices summed, times one day's share.
        cast(
            cast(sum(monthly_price) over ({{ seat_window }}) as decimal(22, 10))
            * {{ day_share_of_month('days_in_month') }}
            as decimal(38, 10)
        ) as seat_month_cost,
        sum(rounded_daily_cost) over ({{ seat_window }}) as seat_month_rounded_cost,
        row_number() over ({{ seat_window }} order by seat_date desc) as days_before_month_end
    from day_priced

),

final as (

    select
        {{ dbt.concat(["seat_id", "'|'", "cast(seat_date as " ~ dbt.type_string() ~ ")"]) }} as seat_day_id,
        seat_date,
        seat_month_start,
        seat_id,
        tool_id,
        listing_source,
        listing_scope,
        holder_id,
        holder_id_type,
        person_id,
        is_holder_resolved,
        resolved_by,
        team_id,
        has_team_on_day,
        snapshot_date,
        days_since_snapshot,
        assigned_date,
        last_activity_date,
        days_since_last_activity,
        -- Used in the 28 days ending on the day: a seat last used on day 0 is active through day 27
        -- and idle from day 28 (the 29th day counting day 0 as the first). A last use the listing
        -- dates after the day (a listing taken late in the day, in another time zone) is active.
        coalesce(days_since_last_activity <= 27, false) as is_active_28d,
        monthly_price,
        currency,
        price_source,
        days_in_month,
        days_before_month_end = 1 as is_last_seat_day_of_month,
        -- Narrowed before adding: Spark cuts the scale of a DECIMAL(38, 10) sum to make room.
        cast(
            case
                when days_before_month_end = 1
                    then
                        cast(rounded_daily_cost as decimal(28, 10))
                        + cast(seat_month_cost as decimal(28, 10))
                        - cast(seat_month_rounded_cost as decimal(28, 10))
                else rounded_daily_cost
            end
            as decimal(38, 10)
        ) as daily_cost,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from month_totals

)

select * from final
