"""The dashboard's global filters: period, team, provider and workflow, shared by every page.

The router draws them in the sidebar on every run, so their values survive page changes. Pages read
them with `current()`; an empty selection means "all".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from app import queries

_PERIOD = "filter_period"
_TEAMS = "filter_teams"
_PROVIDERS = "filter_providers"
_WORKFLOWS = "filter_workflows"


@dataclass(frozen=True)
class Filters:
    """What the user picked: a period of whole days and, per dimension, the values kept (empty = all)."""

    start: date
    end: date
    teams: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    workflows: tuple[str, ...] = ()

    @property
    def months(self) -> tuple[date, date]:
        """The first days of the period's first and last months, for marts that have a month grain."""
        return self.start.replace(day=1), self.end.replace(day=1)


def sidebar() -> Filters | None:
    """Draw the filters in the sidebar; None when there is no published data to filter."""
    options = queries.filter_options()
    if options is None:
        return None
    first, last = options.first_day, options.last_day
    with st.sidebar:
        st.header("Filters")
        picked = st.date_input("Period", value=(first, last), min_value=first, max_value=last, key=_PERIOD)
        teams = st.multiselect(
            "Team",
            options.teams,
            format_func=lambda team_id: options.team_names.get(team_id, team_id),
            placeholder="All teams",
            key=_TEAMS,
        )
        providers = st.multiselect("Provider", options.providers, placeholder="All providers", key=_PROVIDERS)
        workflows = st.multiselect("Workflow", options.workflows, placeholder="All workflows", key=_WORKFLOWS)
        st.caption(f"Data from {first:%d %b %Y} to {last:%d %b %Y}.")
    # While a range is being picked the widget holds one date; keep the whole range until both are set.
    start, end = picked if isinstance(picked, tuple) and len(picked) == 2 else (first, last)
    filters = Filters(start, end, tuple(teams), tuple(providers), tuple(workflows))
    st.session_state["filters"] = filters
    return filters


def current() -> Filters:
    """The filters the sidebar holds on this run."""
    return st.session_state["filters"]
