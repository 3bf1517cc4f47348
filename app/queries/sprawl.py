"""The sprawl page's questions: seat utilisation per tool and team, the idle-seat reclaim list, people
and teams paying for overlapping tools, each team's vendors, tools and models, and shadow and
unallocated spend per billing source.

Seats, overlap and team sprawl are per month as of the month's last day with seat data; the team is
the seat holder's (or the person's) team on that day. Seats carry no provider or workflow, so those
filters do not apply here; the shadow and unallocated spend is per billing source, with no team.
Money is summed exactly and cast to double only for display.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from app.queries import query, scope

if TYPE_CHECKING:
    from app.filters import Filters

SEAT_UTILISATION = "marts.fct_seat_utilisation"
IDLE_SEATS = "marts.fct_idle_seats"
TOOL_OVERLAP = "marts.fct_tool_overlap"
TEAM_SPRAWL = "marts.fct_team_tool_sprawl"
SHADOW_SPEND = "marts.fct_shadow_and_unallocated_spend"
TEAMS = "marts.dim_teams"
TOOLS = "marts.dim_tools"
PEOPLE = "marts.dim_people"


def _latest_month(table: str, month_column: str, filters: Filters) -> date | None:
    where, params = scope(filters, month=month_column)
    frame = query(f"select max({month_column}) as month from {table} where {where}", tuple(params))
    month = frame.loc[0, "month"]
    return None if pd.isna(month) else pd.Timestamp(month).date()


def seat_month(filters: Filters) -> date | None:
    """The latest month of the period with seat data (whatever the team filter), or None."""
    return _latest_month(SEAT_UTILISATION, "seat_month", filters)


def sprawl_month(filters: Filters) -> date | None:
    """The latest month of the period with any team's tool sprawl counted, or None."""
    return _latest_month(TEAM_SPRAWL, "sprawl_month", filters)


def seat_totals(filters: Filters, month: date) -> pd.DataFrame:
    """Per currency, the filtered teams' seats in `month` as of its last seat day: seats assigned,
    active in the 28 days to that day and idle, the idle share, what the idle and all seats cost a
    month, and the day they are counted on (as_of_date) with the month's days of seat data."""
    where, params = scope(filters, team="u.team_id")
    return query(
        f"""
        select
            u.currency,
            any_value(u.as_of_date) as as_of_date,
            any_value(u.days_with_data) as days_with_data,
            sum(u.seats_assigned) as seats_assigned,
            sum(u.seats_active_28d) as seats_active,
            sum(u.seats_idle) as seats_idle,
            sum(u.seats_idle)::double / sum(u.seats_assigned) as idle_share,
            sum(u.idle_monthly_cost)::double as idle_monthly_cost,
            sum(u.seat_monthly_cost)::double as seat_monthly_cost
        from {SEAT_UTILISATION} as u
        where u.seat_month = ? and {where}
        group by u.currency
        order by idle_monthly_cost desc
        """,
        (month, *params),
    )


def seat_utilisation(filters: Filters, month: date) -> pd.DataFrame:
    """One row per tool and team of the filtered teams in `month`, as of its last seat day: seats
    assigned, active, idle, idle share, idle and total monthly cost, currency; most idle cost first."""
    where, params = scope(filters, team="u.team_id")
    return query(
        f"""
        select
            coalesce(tools.tool_name, u.tool_id) as tool,
            coalesce(teams.team_name, u.team_id) as team,
            u.seats_assigned,
            u.seats_active_28d as seats_active,
            u.seats_idle,
            u.idle_share,
            u.idle_monthly_cost::double as idle_monthly_cost,
            u.seat_monthly_cost::double as seat_monthly_cost,
            u.currency
        from {SEAT_UTILISATION} as u
        left join {TOOLS} as tools on u.tool_id = tools.tool_id
        left join {TEAMS} as teams on u.team_id = teams.team_id
        where u.seat_month = ? and {where}
        order by u.idle_monthly_cost desc, u.seats_idle desc, tool, team
        """,
        (month, *params),
    )


def idle_seats(filters: Filters) -> pd.DataFrame:
    """The reclaim list for the filtered teams, as of the newest seat day whatever the period: per idle
    seat its holder (name and email), team, tool, last activity (NULL when never used), days idle,
    monthly price, currency, assignment date and the day the list is as of; longest idle first."""
    where, params = scope(filters, team="i.team_id")
    return query(
        f"""
        select
            i.holder_display_name as holder,
            i.holder_email as email,
            coalesce(teams.team_name, i.team_id) as team,
            coalesce(i.tool_name, i.tool_id) as tool,
            i.last_activity_date,
            i.days_idle,
            i.monthly_price::double as monthly_price,
            i.currency,
            i.assigned_date,
            i.seat_id,
            i.as_of_date
        from {IDLE_SEATS} as i
        left join {TEAMS} as teams on i.team_id = teams.team_id
        where {where}
        order by i.days_idle desc, i.monthly_price desc, holder, tool
        """,
        tuple(params),
    )


def newest_seat_day() -> date | None:
    """The newest day with seat data, the day the reclaim list is as of; None when no seats."""
    frame = query(f"select max(as_of_date) as as_of_date from {SEAT_UTILISATION}")
    day = frame.loc[0, "as_of_date"]
    return None if pd.isna(day) else pd.Timestamp(day).date()


def tool_overlap(filters: Filters, month: date) -> pd.DataFrame:
    """People of the filtered teams holding seats of two or more tools of one category in `month`, as
    of its last seat day: person, team, category, the tools' names, tools and seats held, what the
    seats cost a month and the extra cost of every seat but the cheapest; largest extra cost first."""
    where, params = scope(filters, team="o.team_id")
    return query(
        f"""
        with overlap as (
            select * from {TOOL_OVERLAP} as o
            where o.seat_month = ? and {where}
        ),

        tool_names as (
            select
                overlap.tool_overlap_id,
                string_agg(coalesce(tools.tool_name, held.tool_id), ', ' order by held.tool_id) as tools
            from overlap
            cross join unnest(string_split(overlap.tool_ids, ',')) as held (tool_id)
            left join {TOOLS} as tools on held.tool_id = tools.tool_id
            group by overlap.tool_overlap_id
        )

        select
            coalesce(people.display_name, overlap.person_id) as person,
            coalesce(teams.team_name, overlap.team_id) as team,
            overlap.category,
            tool_names.tools,
            overlap.tool_count,
            overlap.seat_count,
            overlap.category_monthly_cost::double as category_monthly_cost,
            overlap.extra_seat_monthly_cost::double as extra_monthly_cost,
            overlap.currency
        from overlap
        inner join tool_names on overlap.tool_overlap_id = tool_names.tool_overlap_id
        left join {PEOPLE} as people on overlap.person_id = people.person_id
        left join {TEAMS} as teams on overlap.team_id = teams.team_id
        order by overlap.extra_seat_monthly_cost desc, person, overlap.category
        """,
        (month, *params),
    )


def team_sprawl(filters: Filters, month: date, overlap_month: date | None) -> pd.DataFrame:
    """One row per filtered team with any tool, model or shadow spend in `month`: distinct vendors,
    listed tools (seat and usage), models and shadow providers, its people paying for overlapping
    tools with their extra monthly cost and its currencies (overlap as of `overlap_month`'s last seat
    day; none when there is no overlap month), and the names of the listed tools it used."""
    where, params = scope(filters, team="s.team_id")
    return query(
        f"""
        with sprawl as (
            select * from {TEAM_SPRAWL} as s
            where s.sprawl_month = ? and {where}
        ),

        tool_names as (
            select
                sprawl.team_id,
                string_agg(coalesce(tools.tool_name, used.tool_id), ', ' order by used.tool_id) as tools
            from sprawl
            cross join unnest(string_split(sprawl.tool_ids, ',')) as used (tool_id)
            left join {TOOLS} as tools on used.tool_id = tools.tool_id
            group by sprawl.team_id
        ),

        extra as (
            select
                team_id,
                count(distinct person_id) as overlapping_people,
                sum(extra_seat_monthly_cost)::double as extra_monthly_cost,
                string_agg(distinct currency, ', ') as currency
            from {TOOL_OVERLAP}
            where seat_month = ?
            group by team_id
        )

        select
            coalesce(teams.team_name, s.team_id) as team,
            s.vendor_count as vendors,
            s.tool_count as tools,
            s.seat_tool_count as seat_tools,
            s.usage_tool_count as usage_tools,
            s.model_count as models,
            s.shadow_provider_count as shadow_providers,
            coalesce(extra.overlapping_people, 0) as overlapping_people,
            coalesce(extra.extra_monthly_cost, 0) as extra_monthly_cost,
            extra.currency,
            tool_names.tools as tool_names
        from sprawl as s
        left join tool_names on s.team_id = tool_names.team_id
        left join extra on s.team_id = extra.team_id
        left join {TEAMS} as teams on s.team_id = teams.team_id
        order by s.tool_count desc, s.vendor_count desc, team
        """,
        (month, *params, overlap_month),
    )


def _shadow_scope(filters: Filters) -> tuple[str, list]:
    # Per billing source and month: no team, provider or workflow column to filter.
    return scope(filters, month="s.charge_month")


def shadow_totals(filters: Filters) -> pd.DataFrame:
    """Per currency, over the months of the period, every source together: billed cost, unallocated
    cost and its share, shadow spend and its share (sums divided; shares NULL when nothing billed)."""
    where, params = _shadow_scope(filters)
    return query(
        f"""
        select
            s.currency,
            sum(s.billed_cost)::double as billed_cost,
            sum(s.unallocated_billed_cost)::double as unallocated_cost,
            (sum(s.unallocated_billed_cost) / nullif(sum(s.billed_cost), 0))::double as unallocated_share,
            sum(s.shadow_billed_cost)::double as shadow_cost,
            (sum(s.shadow_billed_cost) / nullif(sum(s.billed_cost), 0))::double as shadow_share
        from {SHADOW_SPEND} as s
        where {where}
        group by s.currency
        order by billed_cost desc
        """,
        tuple(params),
    )


def shadow_spend(filters: Filters) -> pd.DataFrame:
    """One row per billing source, month and currency in the period: billed cost, unallocated cost and
    share, shadow spend and share, the providers behind the shadow spend, the newest charge day."""
    where, params = _shadow_scope(filters)
    return query(
        f"""
        select
            s.charge_month as month,
            s.source_system as source,
            s.billed_cost::double as billed_cost,
            s.unallocated_billed_cost::double as unallocated_cost,
            s.unallocated_share,
            s.shadow_billed_cost::double as shadow_cost,
            s.shadow_share,
            s.shadow_providers,
            s.currency,
            s.last_charge_date
        from {SHADOW_SPEND} as s
        where {where}
        order by s.charge_month, s.source_system, s.currency
        """,
        tuple(params),
    )
