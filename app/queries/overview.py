"""The overview page's questions: billed spend by month, team, provider and model, and freshness."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pandas as pd

from app.queries import query, scope

if TYPE_CHECKING:
    from app.filters import Filters


def _ledger_scope(filters: Filters, *, whole_history: bool = False) -> tuple[str, list]:
    day = None if whole_history else "x_ChargeDate"
    return scope(filters, day=day, team="x_TeamId", provider="x_Provider", workflow="x_WorkflowId")


def billed_totals(filters: Filters) -> pd.Series:
    """Billed cost over the filtered period and its unallocated part; the period's last month so far,
    and the month before over as many days, so the two compare like for like."""
    where, params = _ledger_scope(filters)
    slice_where, slice_params = _ledger_scope(filters, whole_history=True)
    month_start = filters.months[1]
    days_so_far = (filters.end - month_start).days + 1
    before_start = (pd.Timestamp(month_start) - pd.DateOffset(months=1)).date()
    before_end = min(before_start + timedelta(days=days_so_far), month_start)
    return query(
        f"""
        select
            coalesce(sum(BilledCost), 0)::double as billed_usd,
            coalesce(sum(BilledCost) filter (where x_TeamId = 'unallocated'), 0)::double as unallocated_usd,
            coalesce(sum(BilledCost) filter (where x_ChargeDate >= ?), 0)::double as month_to_date_usd,
            (select coalesce(sum(BilledCost), 0)::double from marts.focus_cost_and_usage
             where x_ChargeDate >= ? and x_ChargeDate < ? and {slice_where}) as month_before_to_date_usd
        from marts.focus_cost_and_usage
        where {where}
        """,
        (month_start, before_start, before_end, *slice_params, *params),
    ).iloc[0]


_LEDGER_DIMENSIONS = {
    "team": "coalesce(t.team_name, l.x_TeamId)",
    "provider": "l.x_Provider",
    "model": "l.x_Model",
    "workflow": "coalesce(l.x_WorkflowId, 'no workflow')",
}


def monthly_billed(filters: Filters, dimension: str) -> pd.DataFrame:
    """Billed cost per month and team, provider, model or workflow over the filtered period.

    By model, only cost billed for a model counts (seat licences and other charges have none)."""
    where, params = _ledger_scope(filters)
    if dimension == "model":
        where += " and l.x_Model is not null"
    return query(
        f"""
        select
            date_trunc('month', l.x_ChargeDate)::date as month,
            {_LEDGER_DIMENSIONS[dimension]} as {dimension},
            sum(l.BilledCost)::double as billed_usd
        from marts.focus_cost_and_usage as l
        left join marts.dim_teams as t on l.x_TeamId = t.team_id
        where {where}
        group by all
        order by month, billed_usd desc
        """,
        tuple(params),
    )


def billed_by(filters: Filters, dimension: str) -> pd.DataFrame:
    """Billed cost over the filtered period by team, provider, model or workflow, largest first.

    By model, only cost billed for a model counts (seat licences and other charges have none)."""
    where, params = _ledger_scope(filters)
    if dimension == "model":
        where += " and l.x_Model is not null"
    return query(
        f"""
        select
            {_LEDGER_DIMENSIONS[dimension]} as {dimension},
            sum(l.BilledCost)::double as billed_usd,
            sum(l.BilledCost)::double / nullif(sum(sum(l.BilledCost)) over (), 0) as share
        from marts.focus_cost_and_usage as l
        left join marts.dim_teams as t on l.x_TeamId = t.team_id
        where {where}
        group by all
        order by billed_usd desc
        """,
        tuple(params),
    )


def source_freshness() -> pd.DataFrame:
    """Per source: the newest day its data covers, when its newest file loaded, and files refused."""
    return query(
        """
        select
            source_name as source,
            data_through_date as data_through,
            last_loaded_at,
            files_loaded,
            files_rejected,
            rows_quarantined
        from marts.fct_source_freshness
        order by source_name
        """
    )


def last_publish() -> pd.Timestamp | None:
    """When the pipeline last published a copy: the end of its last successful run (UTC)."""
    frame = query("select max(published_at) as published_at from meta.publish")
    return (
        None
        if frame.empty or pd.isna(frame.loc[0, "published_at"])
        else pd.Timestamp(frame.loc[0, "published_at"])
    )
