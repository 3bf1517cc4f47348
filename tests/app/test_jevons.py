"""The Jevons page: its indices, waterfall, elasticities and tokens per task are the marts', the period
and the tier change them, and the team and provider filters leave the company-wide figures alone."""

from __future__ import annotations

import base64
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app.format import money
from tests.app.conftest import open_page, shown_metrics
from tests.conftest import query

PAGE = "views/jevons.py"
TIER_MONTHS = "marts.fct_tier_price_volume_months"
WORKFLOW_MONTHS = "marts.fct_workflow_months"


@pytest.fixture
def page(demo_paths, monkeypatch) -> AppTest:
    return open_page(demo_paths.root, monkeypatch, PAGE)


def _table(app: AppTest, first_column: str) -> pd.DataFrame:
    [frame] = [d.value for d in app.dataframe if d.value.columns[0] == first_column]
    return frame


def _chart(app: AppTest, key: str) -> dict[str, list]:
    """The y values of each trace of the Plotly chart with `key`, by trace name."""
    [chart] = [c for c in app.get("plotly_chart") if key in c.proto.id]
    traces = json.loads(chart.proto.spec)["data"]

    def values(y):
        if isinstance(y, dict):  # Plotly's typed array: base64 bytes of the given dtype
            return np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"])).tolist()
        return list(y)

    return {trace.get("name"): values(trace["y"]) for trace in traces}


def _ends(serving: Path, tier: str, first: date, last: date) -> tuple:
    """The tier's first and last month in [first, last]: price, quantity and spend index, spend."""
    [start, end] = query(
        serving,
        f"""
        select price_index, quantity_index, spend_usd::double
        from {TIER_MONTHS}
        where capability_tier = ? and usage_month in (
            (select min(usage_month) from {TIER_MONTHS} where capability_tier = ? and usage_month >= ?),
            (select max(usage_month) from {TIER_MONTHS} where capability_tier = ? and usage_month <= ?)
        )
        order by usage_month
        """,
        [tier, tier, first, tier, last],
    )
    return start, end


def _expected_metrics(serving: Path, tier: str, first: date, last: date) -> dict[str, str]:
    (p0, q0, v0), (p1, q1, v1) = _ends(serving, tier, first, last)
    return {
        "Price index": f"{p1 / p0 - 1:+.1%}",
        "Quantity index": f"{q1 / q0 - 1:+.1%}",
        "Spend": f"{v1 / v0 - 1:+.1%}",
    }


def _add_months(day: date, months: int) -> date:
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def _months(serving: Path) -> tuple[date, date]:
    [(first, last)] = query(serving, f"select min(usage_month), max(usage_month) from {TIER_MONTHS}")
    return first, last


def test_headline_changes_equal_the_marts_indices_from_first_to_last_month(page, demo_paths):
    first, last = _months(demo_paths.serving)
    expected = _expected_metrics(demo_paths.serving, "all", first, last)
    [(last_spend,)] = query(
        demo_paths.serving,
        f"select spend_usd from {TIER_MONTHS} where capability_tier = 'all' and usage_month = ?",
        [last],
    )
    shown = shown_metrics(page)

    assert {label: shown[label] for label in expected} == expected
    assert shown[f"Spend in {last:%B %Y}"] == money(last_spend)
    # The sample company's story: prices fall, usage grows faster, so spend grows.
    assert expected["Price index"].startswith("-")
    assert expected["Spend"].startswith("+")


def test_the_chart_draws_the_three_indices_rebased_to_the_first_month_and_the_tier_changes_them(
    page, demo_paths
):
    def rebased(tier: str) -> dict[str, list]:
        rows = query(
            demo_paths.serving,
            f"select price_index, quantity_index, spend_usd::double from {TIER_MONTHS} "
            "where capability_tier = ? order by usage_month",
            [tier],
        )
        p0, q0, v0 = rows[0]
        return {
            "Price index": [100 * p / p0 for p, _, _ in rows],
            "Quantity index": [100 * q / q0 for _, q, _ in rows],
            "Spend index": [100 * v / v0 for _, _, v in rows],
        }

    everything = _chart(page, "jevons_indices")
    for name, values in rebased("all").items():
        assert everything[name] == pytest.approx(values)

    page.segmented_control(key="jevons_tier").set_value("frontier").run()

    assert not page.exception
    frontier = _chart(page, "jevons_indices")
    for name, values in rebased("frontier").items():
        assert frontier[name] == pytest.approx(values)
    assert frontier["Quantity index"] != pytest.approx(everything["Quantity index"])
    first, last = _months(demo_paths.serving)
    expected = _expected_metrics(demo_paths.serving, "frontier", first, last)
    shown = shown_metrics(page)
    assert {label: shown[label] for label in expected} == expected


def test_the_waterfall_shows_the_marts_price_volume_and_mix_which_add_up_to_the_change(page, demo_paths):
    _, last = _months(demo_paths.serving)
    earlier = _add_months(last, -5)

    for month in (last, earlier):
        page.selectbox(key="jevons_month").set_value(month).run()
        assert not page.exception
        [(previous, price, volume, mix, spend, change)] = query(
            demo_paths.serving,
            f"""
            select previous_spend_usd, price_effect_usd, volume_effect_usd, mix_effect_usd, spend_usd,
                spend_change_usd
            from {TIER_MONTHS}
            where capability_tier = 'all' and usage_month = ?
            """,
            [month],
        )
        steps = _table(page, "step")

        assert steps["step"].tolist()[1:4] == ["Price", "Volume", "Mix"]
        assert steps["amount_usd"].tolist() == pytest.approx(
            [float(v) for v in (previous, price, volume, mix, spend)], abs=1e-9
        )
        assert isinstance(change, Decimal)
        assert price + volume + mix == change == spend - previous
        assert _chart(page, "jevons_waterfall")[None] == pytest.approx(steps["amount_usd"].tolist())
        assert any(f"mix {'+' if mix >= 0 else ''}{money(mix)}" in c.value for c in page.caption)


def test_a_period_filter_keeps_the_months_it_touches_everywhere(page, demo_paths):
    first, _ = _months(demo_paths.serving)
    # From the 10th of the fifth month to the 28th four months on: partial months count whole.
    start = _add_months(first, 4).replace(day=10)
    end = _add_months(start, 4).replace(day=28)
    start_month, end_month = start.replace(day=1), end.replace(day=1)
    everything = shown_metrics(page)

    page.sidebar.date_input(key="filter_period").set_value((start, end)).run()

    assert not page.exception
    expected = _expected_metrics(demo_paths.serving, "all", start_month, end_month)
    shown = shown_metrics(page)
    assert {label: shown[label] for label in expected} == expected
    assert shown["Price index"] != everything["Price index"]
    months = _table(page, "month")["month"]
    assert [m.date() for m in pd.to_datetime(months)] == [
        m
        for (m,) in query(
            demo_paths.serving,
            f"select usage_month from {TIER_MONTHS} where capability_tier = 'all' "
            "and usage_month between ? and ? order by 1",
            [start_month, end_month],
        )
    ]
    # The waterfall starts on the period's last month and offers only the period's months.
    month = page.selectbox(key="jevons_month")
    assert month.value == end_month
    assert len(month.options) == len(months)
    assert pd.to_datetime(_table(page, "workflow")["first_month"]).min().date() >= start_month


def test_elasticities_are_the_marts_per_tier(page, demo_paths):
    expected = query(
        demo_paths.serving,
        "select capability_tier, elasticity, r_squared, months_used, note "
        "from marts.fct_tier_price_elasticities",
    )
    names = {
        "all": "All models",
        "frontier": "Frontier",
        "balanced": "Balanced",
        "small": "Small",
        "unknown": "No tier",
    }
    table = _table(page, "tier")
    shown = {
        row.tier: (row.elasticity, row.r_squared, row.months_used, row.note) for row in table.itertuples()
    }

    assert shown == {names.get(tier, tier): tuple(figures) for tier, *figures in expected}
    assert table["tier"].tolist()[0] == "All models"
    assert any("not a causal estimate" in c.value for c in page.caption)


def test_tokens_per_task_follow_the_mart_and_the_workflow_and_team_filters(page, demo_paths):
    def expected(where: str = "true") -> dict[str, list[float]]:
        rows = query(
            demo_paths.serving,
            f"""
            select w.workflow_name, list(m.total_tokens_per_task order by m.task_month)
            from {WORKFLOW_MONTHS} as m
            join marts.dim_workflows as w using (workflow_id)
            where m.total_tokens_per_task is not null and {where}
            group by 1
            """,
        )
        return dict(rows)

    def shown(app: AppTest) -> tuple[dict[str, list[float]], dict[str, tuple[float, float]]]:
        table = _table(app, "workflow")
        ends = {
            row.workflow: (row.first_tokens_per_task, row.last_tokens_per_task) for row in table.itertuples()
        }
        return _chart(app, "jevons_tokens_per_task"), ends

    for where, widget, value in (
        ("true", None, None),
        ("m.workflow_id = 'kb_answer'", "filter_workflows", ["kb_answer"]),
        ("m.team_id = 'support'", "filter_teams", ["support"]),
    ):
        if widget:
            page.sidebar.multiselect(key="filter_workflows").set_value([])
            page.sidebar.multiselect(key=widget).set_value(value).run()
            assert not page.exception
        lines, ends = shown(page)
        tokens = expected(where)

        assert lines == tokens
        assert ends == {workflow: (values[0], values[-1]) for workflow, values in tokens.items()}
    assert set(lines) == {"Knowledge-base answers", "Support ticket triage"}


def test_team_and_provider_filters_leave_the_company_wide_figures_alone_and_say_so(page):
    before = shown_metrics(page)
    steps = _table(page, "step")["amount_usd"].tolist()

    page.sidebar.multiselect(key="filter_teams").set_value(["support"]).run()
    page.sidebar.multiselect(key="filter_providers").set_value(
        [page.sidebar.multiselect(key="filter_providers").options[0]]
    ).run()

    assert not page.exception
    assert shown_metrics(page) == before
    assert _table(page, "step")["amount_usd"].tolist() == steps
    assert "team and provider filters do not apply" in page.caption[0].value
