"""Every question the dashboard asks, as one typed function each, over the published serving copy.

This package holds all the dashboard's SQL: this module runs queries and applies the global filters;
one module per page holds that page's questions. Each call opens its own read-only connection, so
the pipeline can publish a new copy at any time; results are cached per published copy and expire
when a new one appears. Values are always bound as parameters, never formatted into SQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
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


def execute(sql: str, params: tuple, path: str) -> pd.DataFrame:
    """Run one query on its own read-only connection to the copy at `path` (uncached)."""
    with duckdb.connect(path, read_only=True) as con:
        return con.execute(sql, list(params)).df()


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _query(sql: str, params: tuple, version: str, path: str) -> pd.DataFrame:
    # `version` is part of the cache key only: a new published copy misses the cache.
    del version
    return execute(sql, params, path)


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
