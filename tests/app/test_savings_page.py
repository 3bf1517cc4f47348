"""The savings page recomputes the levers at the user's assumptions, equals fct_savings_scenarios at the
dbt defaults for the last complete quarter, refuses routing shares not adding up to 100%, and filters."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app.format import money
from tests.app.conftest import open_page
from tests.conftest import query

SCENARIOS = "marts.fct_savings_scenarios"
LEVERS = "marts.fct_savings_levers"
# The sample data ends on 31 October 2026: Q4 is not complete, so the page starts on Q3.
QUARTER = ("2026-07-01", "2026-09-01")
LEVER_NAMES = {"batch": "Batch API", "cache": "Prompt cache", "routing": "Routing"}


@pytest.fixture
def savings(demo_paths, monkeypatch) -> AppTest:
    return open_page(demo_paths.root, monkeypatch, "views/savings.py")


def _metric(app: AppTest, label: str):
    [metric] = [m for m in app.metric if m.label == label]
    return metric


def _table(app: AppTest, first_column: str):
    [frame] = [d.value for d in app.dataframe if d.value.columns[0] == first_column]
    return frame


def _lever_savings(app: AppTest) -> dict[str, float]:
    levers = _table(app, "lever")
    return dict(zip(levers["lever"], levers["saving_usd"], strict=True))


def _actual_cost(app: AppTest) -> float:
    return float(_table(app, "lever")["actual_cost_usd"].iloc[0])


def test_the_page_starts_on_the_last_complete_quarter_and_names_its_months(savings):
    assert savings.selectbox(key="savings_period").value.startswith("Q3 2026")
    assert any("Months: July, August and September 2026" in c.value for c in savings.caption)


def test_at_the_default_assumptions_the_page_equals_fct_savings_scenarios(savings, demo_paths):
    rows = query(
        demo_paths.serving,
        f"""
        select scenario, sum(actual_cost_usd), sum(savings_usd), sum(scenario_cost_usd)
        from {SCENARIOS} where usage_month between ? and ?
        group by scenario order by scenario
        """,
        list(QUARTER),
    )
    [actual] = {row[1] for row in rows}
    assert actual > 100

    assert _metric(savings, "Actual cost").value == money(actual)
    shown = _lever_savings(savings)
    for scenario, _actual, saving, scenario_cost in rows:
        lever = LEVER_NAMES[scenario]
        assert saving > 0, scenario
        assert shown[lever] == pytest.approx(float(saving), abs=1e-9)
        assert _metric(savings, f"{lever} scenario (estimate)").value == money(scenario_cost)
    assert any(
        "Batch: 100% of non-urgent usage; Cache: 50% hit rate; Routing: 70/20/10" in c.value
        for c in savings.caption
    )


def test_per_workflow_savings_equal_the_scenarios_mart_per_workflow(savings, demo_paths):
    expected = query(
        demo_paths.serving,
        f"""
        select workflow_id,
            sum(savings_usd) filter (where scenario = 'batch'),
            sum(savings_usd) filter (where scenario = 'cache'),
            sum(savings_usd) filter (where scenario = 'routing')
        from {SCENARIOS} where usage_month between ? and ?
        group by workflow_id
        """,
        list(QUARTER),
    )
    table = _table(savings, "workflow").set_index("workflow_id")

    assert set(table.index) == {row[0] for row in expected}
    for workflow_id, batch, cache, routing in expected:
        shown = table.loc[workflow_id]
        assert shown["batch_saving_usd"] == pytest.approx(float(batch), abs=1e-9)
        assert shown["cache_saving_usd"] == pytest.approx(float(cache), abs=1e-9)
        assert shown["routing_saving_usd"] == pytest.approx(float(routing), abs=1e-9)


def test_the_cache_hit_rate_input_scales_the_cache_saving(savings):
    at_half = _lever_savings(savings)["Prompt cache"]
    assert at_half > 0

    savings.slider(key="savings_cache_percent").set_value(0).run()
    assert not savings.exception
    assert _lever_savings(savings)["Prompt cache"] == 0
    assert (_table(savings, "workflow")["cache_saving_usd"] == 0).all()
    assert any("Cache: 0% hit rate" in c.value for c in savings.caption)

    savings.slider(key="savings_cache_percent").set_value(100).run()
    assert _lever_savings(savings)["Prompt cache"] == pytest.approx(2 * at_half, rel=1e-12)
    assert _metric(savings, "Prompt cache scenario (estimate)").value == money(
        _actual_cost(savings) - 2 * at_half
    )


def test_routing_shares_not_adding_up_to_100_show_an_error_and_no_numbers(savings):
    savings.number_input(key="savings_routing_small").set_value(60).run()

    assert not savings.exception
    [error] = savings.error
    assert "add up to 90%" in error.value
    assert "must add up to 100%" in error.value
    assert not savings.metric
    assert not savings.dataframe

    savings.number_input(key="savings_routing_frontier").set_value(20).run()
    assert not savings.error
    assert any("Routing: 60/20/20" in c.value for c in savings.caption)


def test_the_team_filter_keeps_the_workflows_the_team_owns(savings, demo_paths):
    everyone = _table(savings, "workflow")
    expected = query(
        demo_paths.serving,
        f"""
        select workflow_id, sum(actual_cost_usd) from {LEVERS}
        where usage_month between ? and ? and team_id = 'support'
        group by workflow_id
        """,
        list(QUARTER),
    )

    savings.sidebar.multiselect(key="filter_teams").set_value(["support"]).run()

    assert not savings.exception
    narrowed = _table(savings, "workflow")
    assert set(narrowed["workflow_id"]) == {row[0] for row in expected}
    assert 0 < len(narrowed) < len(everyone)
    assert set(narrowed["team"]) == {"Customer Support"}
    assert _metric(savings, "Actual cost").value == money(sum(row[1] for row in expected))


def test_the_provider_filter_applies_to_the_levers(savings, demo_paths):
    [(provider, actual)] = query(
        demo_paths.serving,
        f"""
        select provider, sum(actual_cost_usd) from {LEVERS}
        where usage_month between ? and ?
        group by provider order by 2 desc limit 1
        """,
        list(QUARTER),
    )

    savings.sidebar.multiselect(key="filter_providers").set_value([provider]).run()

    assert not savings.exception
    assert _metric(savings, "Actual cost").value == money(actual)
