"""Every question the dashboard asks, as one typed function each, over the published serving copy.

Each call opens its own read-only connection, so the pipeline can publish a new copy at any time;
results are cached per published copy and expire when a new one appears. Values are always bound
as parameters, never formatted into SQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import streamlit as st

from orchestration.paths import data_paths

if TYPE_CHECKING:
    from app.filters import Filters

CACHE_SECONDS = 600


def serving_path() -> Path:
    """The published warehouse the dashboard reads."""
    return data_paths().serving


def serving_version() -> str:
    """Identifies the current published copy: a new copy gives a new version, so caches refresh."""
    path = serving_path()
    if not path.exists():
        return ""
    stat = path.stat()
    return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _query(sql: str, params: tuple, version: str, path: str) -> pd.DataFrame:
    # `version` is part of the cache key only: a new published copy misses the cache.
    del version
    with duckdb.connect(path, read_only=True) as con:
        return con.execute(sql, list(params)).df()


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a read-only query with bound parameters against the current published copy."""
    path = serving_path()
    return _query(sql, params, serving_version(), os.fspath(path))


def has_published_copy() -> bool:
    """True when a serving copy exists."""
    return serving_path().exists()


@dataclass(frozen=True)
class FilterOptions:
    """What the global filters can pick from."""

    first_day: date
    last_day: date
    teams: list[str]
    team_names: dict[str, str]
    providers: list[str]
    workflows: list[str]


def filter_options() -> FilterOptions | None:
    """The days, teams, providers and workflows the ledger holds; None when it holds nothing."""
    days = query(
        "select min(x_ChargeDate) as first_day, max(x_ChargeDate) as last_day from marts.focus_cost_and_usage"
    )
    if days.empty or pd.isna(days.loc[0, "first_day"]):
        return None
    teams = query("select team_id, team_name from marts.dim_teams order by team_name")
    providers = query(
        "select distinct x_Provider as provider from marts.focus_cost_and_usage "
        "union select distinct provider from marts.fct_token_usage order by 1"
    )
    workflows = query("select workflow_id from marts.dim_workflows order by workflow_id")
    return FilterOptions(
        first_day=pd.Timestamp(days.loc[0, "first_day"]).date(),
        last_day=pd.Timestamp(days.loc[0, "last_day"]).date(),
        teams=teams["team_id"].tolist(),
        team_names=dict(zip(teams["team_id"], teams["team_name"], strict=True)),
        providers=providers["provider"].tolist(),
        workflows=workflows["workflow_id"].tolist(),
    )


def scope(
    filters: Filters,
    *,
    day: str | None = None,
    month: str | None = None,
    team: str | None = None,
    provider: str | None = None,
    workflow: str | None = None,
) -> tuple[str, list]:
    """A WHERE condition applying the filters to the named columns, and its bound parameters.

    Column names come from this module's code, never from the user; the user's values are bound.
    """
    clauses: list[str] = []
    params: list = []
    if day:
        clauses.append(f"{day} between ? and ?")
        params += [filters.start, filters.end]
    if month:
        clauses.append(f"{month} between ? and ?")
        params += list(filters.months)
    for column, values in (
        (team, filters.teams),
        (provider, filters.providers),
        (workflow, filters.workflows),
    ):
        if column and values:
            clauses.append(f"list_contains(?, {column})")
            params.append(list(values))
    return " and ".join(clauses) or "true", params


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
    "model": "coalesce(l.x_Model, 'no model (seats, other)')",
    "workflow": "coalesce(l.x_WorkflowId, 'no workflow')",
}


def monthly_billed(filters: Filters, dimension: str) -> pd.DataFrame:
    """Billed cost per month and team, provider, model or workflow over the filtered period."""
    where, params = _ledger_scope(filters)
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
    """Billed cost over the filtered period by team, provider, model or workflow, largest first."""
    where, params = _ledger_scope(filters)
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
