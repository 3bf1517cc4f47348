"""The budgets and anomalies page: budget, actual and forecast are the mart's, teams over budget are counted
right, the planted retry loop shows as a flagged day with its context, and the filters narrow what they
should (team both sections, provider the flagged days only)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_page, shown_metrics, table_starting_with
from tests.conftest import query

PAGE = "views/budgets.py"
BUDGETS = "marts.fct_team_budget_months"
ANOMALIES = "marts.fct_spend_anomalies"
# The sample company's story plants a retry loop in finance's invoice extraction on Anthropic that day.
PLANTED = (date(2026, 6, 17), "finance", "anthropic")


@pytest.fixture
def page(demo_paths, monkeypatch) -> AppTest:
    return open_page(demo_paths.root, monkeypatch, PAGE)


def _budgets(app: AppTest) -> pd.DataFrame:
    return table_starting_with(app, "team", "budget", "actual", "forecast")


def _flagged(app: AppTest) -> pd.DataFrame:
    return table_starting_with(app, "day", "team", "provider")


def _set(app: AppTest, key: str, value) -> None:
    widget = app.sidebar.date_input(key=key) if key == "filter_period" else app.sidebar.multiselect(key=key)
    widget.set_value(value).run()
    assert not app.exception, app.exception


def _series_chart(app: AppTest) -> dict[str, list]:
    """The day-by-day chart's traces by name: their x values."""
    spec = json.loads(app.get("plotly_chart")[-1].proto.spec)
    return {trace["name"]: trace["x"] for trace in spec["data"]}


def test_budget_actual_and_forecast_per_team_equal_the_mart_for_the_last_month(page, demo_paths):
    expected = query(
        demo_paths.serving,
        f"""
        select coalesce(t.team_name, b.team_id), b.budget_amount::double, b.actual_billed_cost::double,
            b.forecast_billed_cost::double, b.budget_used_share
        from {BUDGETS} b left join marts.dim_teams t on b.team_id = t.team_id
        where b.budget_month = '2026-10-01'
        """,
    )
    table = _budgets(page)
    shown = {
        row.team: (row.budget, row.actual, row.forecast, row.share_used)
        for row in table.itertuples(index=False)
    }

    assert len(shown) == len(expected) == 9
    for team, budget, actual, forecast, share in expected:
        shown_budget, shown_actual, shown_forecast, shown_share = shown[team]
        assert shown_actual == pytest.approx(actual)
        assert shown_forecast == pytest.approx(forecast)
        if budget is None:
            assert pd.isna(shown_budget)
            assert pd.isna(shown_share)
        else:
            assert shown_budget == pytest.approx(budget)
            assert shown_share == pytest.approx(share)
    unallocated = table[table["team"] == "Unallocated"].iloc[0]
    assert pd.isna(unallocated["budget"])
    assert pd.isna(unallocated["is_over_budget"])
    assert unallocated["note"].startswith("No budget")
    assert page.header[0].value == "Budget, actual and forecast: October 2026"


def test_teams_over_budget_are_counted_from_the_periods_last_month(page, demo_paths):
    [(over, forecast_over, budgeted)] = query(
        demo_paths.serving,
        f"""
        select count(distinct team_id) filter (where is_over_budget),
            count(distinct team_id) filter (where is_forecast_over_budget),
            count(distinct team_id) filter (where is_budget_comparable)
        from {BUDGETS} where budget_month = '2026-06-01'
        """,
    )
    over_teams = query(
        demo_paths.serving,
        f"select t.team_name from {BUDGETS} b join marts.dim_teams t using (team_id) "
        "where b.budget_month = '2026-06-01' and b.is_over_budget order by 1",
    )

    _set(page, "filter_period", ("2026-05-01", "2026-06-30"))

    metrics = shown_metrics(page)
    assert metrics["Teams over budget"] == f"{over} of {budgeted}"
    assert metrics["Teams forecast over budget"] == f"{forecast_over} of {budgeted}"
    assert over >= 1
    assert budgeted == 8
    table = _budgets(page)
    assert sorted(table.loc[table["is_over_budget"].fillna(False).astype(bool), "team"]) == [
        name for (name,) in over_teams
    ]


def test_the_planted_anomaly_is_flagged_with_its_context(page, demo_paths):
    [(spend, usual, times, z, workflow, workflow_share, model, model_share)] = query(
        demo_paths.serving,
        f"""
        select billed_cost::double, baseline_median::double, spend_vs_baseline, robust_z_score,
            top_workflow_id, top_workflow_share, top_model_id, top_model_share
        from {ANOMALIES} where spend_date = ? and team_id = ? and provider = ? and is_anomaly
        """,
        list(PLANTED),
    )

    flagged = _flagged(page)
    [row] = [
        r
        for r in flagged.itertuples(index=False)
        if pd.Timestamp(r.day).date() == PLANTED[0] and r.team == "Finance" and r.provider == "anthropic"
    ]
    assert row.spend == pytest.approx(spend)
    assert row.usual_spend == pytest.approx(usual)
    assert row.times_usual == pytest.approx(times)
    assert times > 3
    assert row.z_score == pytest.approx(z)
    assert z > 3.5
    assert (
        (row.top_workflow, row.top_model) == (workflow, model) == ("invoice_extraction", "claude-haiku-4-5")
    )
    assert (row.top_workflow_share, row.top_model_share) == pytest.approx((workflow_share, model_share))
    days = [pd.Timestamp(d).date() for d in flagged["day"]]
    assert days == sorted(days, reverse=True)

    # Narrowed to finance on Anthropic in June, the day-by-day chart starts on that series and marks the day.
    _set(page, "filter_period", ("2026-06-01", "2026-06-30"))
    _set(page, "filter_teams", ["finance"])
    _set(page, "filter_providers", ["anthropic"])
    assert page.selectbox(key="budgets_anomaly_series").value == ("finance", "anthropic", "USD")
    traces = _series_chart(page)
    assert [pd.Timestamp(d).date() for d in traces["Flagged day"]] == [PLANTED[0]]
    assert len(traces["Spend"]) == 30


def test_the_team_filter_narrows_budgets_and_flagged_days(page, demo_paths):
    [(finance_flags,)] = query(
        demo_paths.serving, f"select count(*) from {ANOMALIES} where is_anomaly and team_id = 'finance'"
    )
    assert len(_flagged(page)) > finance_flags

    _set(page, "filter_teams", ["finance"])

    assert _budgets(page)["team"].tolist() == ["Finance"]
    assert shown_metrics(page)["Teams over budget"].endswith("of 1")
    flagged = _flagged(page)
    assert set(flagged["team"]) == {"Finance"}
    assert len(flagged) == finance_flags == int(shown_metrics(page)["Flagged days"])


def test_the_provider_filter_narrows_flagged_days_but_not_budgets(page, demo_paths):
    [(anthropic_flags,)] = query(
        demo_paths.serving, f"select count(*) from {ANOMALIES} where is_anomaly and provider = 'anthropic'"
    )
    budgets_before = _budgets(page)

    _set(page, "filter_providers", ["anthropic"])

    flagged = _flagged(page)
    assert set(flagged["provider"]) == {"anthropic"}
    assert len(flagged) == anthropic_flags == int(shown_metrics(page)["Flagged days"])
    pd.testing.assert_frame_equal(_budgets(page), budgets_before)
    assert any("not applied to budgets" in caption.value for caption in page.caption)


def test_a_selection_without_usage_shows_an_empty_state(page):
    _set(page, "filter_teams", ["support"])
    _set(page, "filter_providers", ["vertex_ai"])

    assert "no day to score" in page.info[0].value
    assert _budgets(page)["team"].tolist() == ["Customer Support"]
