"""Every question the dashboard asks, as one typed function each, over the published serving copy.

Each call opens its own read-only connection, so the pipeline can publish a new copy at any time;
results are cached per published copy and expire when a new one appears. Values are always bound
as parameters, never formatted into SQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from orchestration.paths import data_paths

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


def spend_date_range() -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last day with gateway spend, or None when there is none."""
    frame = query(
        "select min(spend_date) as first_day, max(spend_date) as last_day from marts.fct_daily_gateway_spend"
    )
    if frame.empty or pd.isna(frame.loc[0, "first_day"]):
        return None
    return pd.Timestamp(frame.loc[0, "first_day"]), pd.Timestamp(frame.loc[0, "last_day"])


def spend_totals(start: str, end: str) -> pd.Series:
    """Requests, tokens and gateway cost over [start, end], and the unallocated share of cost."""
    return query(
        """
        select
            coalesce(sum(requests), 0) as requests,
            coalesce(sum(uncached_input_tokens + cache_read_tokens + cache_write_tokens
                + output_tokens + reasoning_tokens), 0) as tokens,
            coalesce(sum(gateway_cost_usd), 0) as cost_usd,
            coalesce(sum(case when team_id = 'unallocated' then gateway_cost_usd end), 0) as unallocated_usd
        from marts.fct_daily_gateway_spend
        where spend_date between ?::date and ?::date
        """,
        (start, end),
    ).iloc[0]


def monthly_spend(start: str, end: str) -> pd.DataFrame:
    """Gateway cost and requests per month over [start, end]."""
    return query(
        """
        select
            date_trunc('month', spend_date)::date as month,
            sum(gateway_cost_usd)::double as cost_usd,
            sum(requests) as requests
        from marts.fct_daily_gateway_spend
        where spend_date between ?::date and ?::date
        group by 1
        order by 1
        """,
        (start, end),
    )


def spend_by(dimension: str, start: str, end: str) -> pd.DataFrame:
    """Gateway cost over [start, end] by team, provider, model or workflow, largest first."""
    column = {
        "team": "t.team_name",
        "provider": "s.provider",
        "model": "s.model_id",
        "workflow": "s.workflow_id",
    }[dimension]
    return query(
        f"""
        select
            {column} as {dimension},
            sum(s.gateway_cost_usd)::double as cost_usd,
            sum(s.requests) as requests
        from marts.fct_daily_gateway_spend as s
        inner join marts.dim_teams as t on s.team_id = t.team_id
        where s.spend_date between ?::date and ?::date
        group by 1
        order by cost_usd desc
        """,
        (start, end),
    )
