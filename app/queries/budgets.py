"""The budgets and anomalies page's questions: each team's budget, actual and month-end forecast, and the
days whose spend a team's own recent days did not predict.

Budgets have a month grain and no provider or workflow: the period picks the months and the team filter
the teams. Anomalies are per team, provider and day: period, team and provider apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from app.queries import query, scope

if TYPE_CHECKING:
    from app.filters import Filters

_TEAM_NAME = "coalesce(t.team_name, b.team_id)"


def _budget_scope(filters: Filters) -> tuple[str, list]:
    return scope(filters, team="b.team_id")


def budget_month(filters: Filters) -> pd.DataFrame:
    """Per team (and currency) for the period's last month: budget, actual, forecast, their variances,
    the share of the budget used and the over-budget flags, budgeted teams first by share used.

    Unallocated spend (and spend in a currency the team's budget is not in) has every budget column null.
    """
    where, params = _budget_scope(filters)
    return query(
        f"""
        select
            {_TEAM_NAME} as team,
            b.currency,
            b.budget_amount::double as budget,
            b.actual_billed_cost::double as actual,
            b.forecast_billed_cost::double as forecast,
            b.variance_to_budget::double as variance,
            b.forecast_variance_to_budget::double as forecast_variance,
            b.budget_used_share as share_used,
            b.forecast_budget_share as forecast_share,
            b.is_over_budget,
            b.is_forecast_over_budget,
            b.usage_billed_cost::double as usage,
            b.seat_and_other_billed_cost::double as seats_and_other,
            b.days_with_data,
            b.days_in_month,
            b.budget_currency,
            b.is_budget_comparable,
            b.team_id
        from marts.fct_team_budget_months as b
        left join marts.dim_teams as t on b.team_id = t.team_id
        where b.budget_month = ? and {where}
        order by b.is_budget_comparable desc, b.budget_used_share desc nulls last, b.actual_billed_cost desc
        """,
        (filters.months[1], *params),
    )


def budget_status(filters: Filters) -> pd.Series:
    """For the period's last month: teams with a budget, teams over it, teams forecast over it, the
    budgeted teams' budget, actual and forecast, the spend no budget covers, and the as-of day."""
    where, params = _budget_scope(filters)
    return query(
        f"""
        select
            count(distinct b.team_id) filter (where b.is_budget_comparable) as budgeted_teams,
            count(distinct b.team_id) filter (where b.is_over_budget) as teams_over,
            count(distinct b.team_id) filter (where b.is_forecast_over_budget) as teams_forecast_over,
            coalesce(sum(b.budget_amount) filter (where b.is_budget_comparable), 0)::double as budget,
            coalesce(sum(b.actual_billed_cost) filter (where b.is_budget_comparable), 0)::double as actual,
            coalesce(sum(b.forecast_billed_cost) filter (where b.is_budget_comparable), 0)::double
                as forecast,
            coalesce(sum(b.actual_billed_cost) filter (where not b.is_budget_comparable), 0)::double
                as unbudgeted_actual,
            count(*) as team_rows,
            count(distinct b.currency) as currencies,
            max(b.as_of_date) as as_of_date,
            bool_and(b.is_month_complete) as is_month_complete
        from marts.fct_team_budget_months as b
        where b.budget_month = ? and {where}
        """,
        (filters.months[1], *params),
    ).iloc[0]


def budget_months(filters: Filters) -> pd.DataFrame:
    """Per team (and currency) and month of the period: budget (null without one), actual and forecast."""
    where, params = scope(filters, month="b.budget_month", team="b.team_id")
    return query(
        f"""
        select
            b.budget_month as month,
            {_TEAM_NAME} as team,
            b.currency,
            b.budget_amount::double as budget,
            b.actual_billed_cost::double as actual,
            b.forecast_billed_cost::double as forecast,
            b.is_over_budget,
            b.team_id
        from marts.fct_team_budget_months as b
        left join marts.dim_teams as t on b.team_id = t.team_id
        where {where}
        order by team, b.currency, month
        """,
        tuple(params),
    )


def _anomaly_scope(filters: Filters) -> tuple[str, list]:
    return scope(filters, day="a.spend_date", team="a.team_id", provider="a.provider")


_ANOMALY_TEAM = "coalesce(t.team_name, a.team_id)"


def anomalies(filters: Filters) -> pd.DataFrame:
    """Every day flagged as a spend spike in the filters, newest first: team, provider, the day's spend,
    the usual day's (baseline median), how many times usual, the robust z-score, and the workflow and
    model with most of the day's spend with their shares."""
    where, params = _anomaly_scope(filters)
    return query(
        f"""
        select
            a.spend_date as day,
            {_ANOMALY_TEAM} as team,
            a.provider,
            a.currency,
            a.billed_cost::double as spend,
            a.baseline_median::double as usual_spend,
            a.spend_above_baseline::double as above_usual,
            a.spend_vs_baseline as times_usual,
            a.robust_z_score as z_score,
            a.top_workflow_id as top_workflow,
            a.top_workflow_share,
            a.top_model_id as top_model,
            a.top_model_share,
            a.team_id
        from marts.fct_spend_anomalies as a
        left join marts.dim_teams as t on a.team_id = t.team_id
        where a.is_anomaly and {where}
        order by a.spend_date desc, a.robust_z_score desc, team, a.provider
        """,
        tuple(params),
    )


def anomaly_status(filters: Filters) -> pd.Series:
    """In the filters: team-provider days with spend, days scored, days flagged, and the spend on flagged
    days above the usual day's."""
    where, params = _anomaly_scope(filters)
    return query(
        f"""
        select
            count(*) as series_days,
            count(a.robust_z_score) as scored_days,
            count(*) filter (where a.is_anomaly) as flagged_days,
            coalesce(sum(a.spend_above_baseline) filter (where a.is_anomaly), 0)::double as above_usual
        from marts.fct_spend_anomalies as a
        where {where}
        """,
        tuple(params),
    ).iloc[0]


def anomaly_series(filters: Filters) -> pd.DataFrame:
    """The team, provider and currency series with spend in the filters, the one with the newest flagged
    day first, then by flagged days and spend."""
    where, params = _anomaly_scope(filters)
    return query(
        f"""
        select
            a.team_id,
            {_ANOMALY_TEAM} as team,
            a.provider,
            a.currency,
            count(*) filter (where a.is_anomaly) as flagged_days,
            max(a.spend_date) filter (where a.is_anomaly) as newest_flagged_day,
            sum(a.billed_cost)::double as spend
        from marts.fct_spend_anomalies as a
        left join marts.dim_teams as t on a.team_id = t.team_id
        where {where}
        group by all
        order by newest_flagged_day desc nulls last, flagged_days desc, spend desc, team, a.provider
        """,
        tuple(params),
    )


def series_days(filters: Filters, team_id: str, provider: str, currency: str) -> pd.DataFrame:
    """One team's daily usage spend on one provider over the period, one row per day the ledger holds any
    usage for (the series' spend 0 when it had none, as its baseline counts it): the day's spend, its
    baseline median, how many times usual, the robust z-score and how it was scored, and whether it was
    flagged. Baseline and score are null on days without the series' spend."""
    where, params = scope(filters, day="spend_date")
    return query(
        f"""
        with days as (
            select distinct spend_date from marts.fct_spend_anomalies where {where}
        ),

        series as (
            select * from marts.fct_spend_anomalies
            where team_id = ? and provider = ? and currency = ? and {where}
        )

        select
            d.spend_date as day,
            coalesce(s.billed_cost, 0)::double as spend,
            s.baseline_median::double as usual_spend,
            s.spend_vs_baseline as times_usual,
            s.robust_z_score as z_score,
            s.score_method,
            coalesce(s.is_anomaly, false) as is_anomaly
        from days as d
        left join series as s on d.spend_date = s.spend_date
        order by d.spend_date
        """,
        (*params, team_id, provider, currency, *params),
    )
