"""The cost per task page: its numbers are the tasks' own, summed then divided; filters narrow them; the
drill-down shows the chosen workflow's months; the budget review shows the mart's answers and flags."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app.format import tile_money
from tests.app.conftest import open_page, shown_metrics, table_starting_with
from tests.conftest import query

PAGE = "views/cost_per_task.py"
DRILL_DOWN = "cost_per_task_workflow"

# What the page's headline shows, straight from the tasks: money and counts summed, then divided.
TASK_TOTALS = """
    select
        count(*),
        (sum(t.model_cost_usd) + sum(t.human_cost_usd)) / count(*) filter (where t.is_succeeded),
        sum(t.value_usd) / count(t.value_usd),
        sum(t.value_usd) - (sum(t.model_cost_usd) + sum(t.human_cost_usd))
    from marts.fct_tasks as t
"""


@pytest.fixture
def page(demo_paths, monkeypatch) -> AppTest:
    return open_page(demo_paths.root, monkeypatch, PAGE)


def _expected_metrics(tasks: int, cost_per_success, value_per_task, margin) -> dict[str, str]:
    return {
        "Tasks": f"{tasks:,}",
        "Cost per successful task": tile_money(cost_per_success),
        "Value per task": tile_money(value_per_task),
        "Margin": tile_money(margin),
    }


def _shown(app: AppTest) -> dict[str, str]:
    metrics = shown_metrics(app)
    return {
        label: metrics[label] for label in ("Tasks", "Cost per successful task", "Value per task", "Margin")
    }


def _workflows(app: AppTest) -> pd.DataFrame:
    return table_starting_with(app, "workflow", "team", "tasks")


def _months(app: AppTest) -> pd.DataFrame:
    return table_starting_with(app, "month", "tasks")


def _review(app: AppTest) -> pd.DataFrame:
    return table_starting_with(app, "flag", "workflow")


def _set_period(app: AppTest, start: str, end: str) -> None:
    app.sidebar.date_input(key="filter_period").set_value((start, end)).run()
    assert not app.exception, app.exception


def test_headline_numbers_equal_the_tasks_summed_then_divided(page, demo_paths):
    [(tasks, cost_per_success, value_per_task, margin)] = query(demo_paths.serving, TASK_TOTALS)

    assert _shown(page) == _expected_metrics(tasks, cost_per_success, value_per_task, margin)
    assert tasks > 1000
    assert "Model cost includes every attempt" in page.caption[0].value
    assert "provider filter does not apply" in page.caption[0].value


def test_each_workflow_row_equals_its_tasks_not_an_average_of_its_months(page, demo_paths):
    expected = query(
        demo_paths.serving,
        """
        select
            w.workflow_name,
            count(*),
            count(*) filter (where t.is_succeeded),
            (
                (sum(t.model_cost_usd) + sum(t.human_cost_usd)) / count(*) filter (where t.is_succeeded)
            )::double,
            (sum(t.value_usd) - sum(t.model_cost_usd) - sum(t.human_cost_usd))::double
        from marts.fct_tasks as t
        join marts.dim_workflows as w using (workflow_id)
        group by all
        order by 1
        """,
    )
    averaged = dict(
        query(
            demo_paths.serving,
            "select workflow_id, avg(fully_loaded_cost_per_successful_task_usd)::double "
            "from marts.fct_workflow_months group by 1",
        )
    )
    table = _workflows(page).sort_values("workflow")
    shown = table[["workflow", "tasks", "successful_tasks", "cost_per_successful_task_usd", "margin_usd"]]

    assert [row[:3] for row in expected] == [tuple(row[:3]) for row in shown.itertuples(index=False)]
    assert table["cost_per_successful_task_usd"].tolist() == pytest.approx([row[3] for row in expected])
    assert table["margin_usd"].tolist() == pytest.approx([row[4] for row in expected])
    # Averaging the months' ratios would give other numbers: the page must not.
    differs = [
        workflow_id
        for workflow_id, cost in zip(table["workflow_id"], table["cost_per_successful_task_usd"], strict=True)
        if averaged[workflow_id] is not None and abs(averaged[workflow_id] - cost) > 0.01
    ]
    assert differs


def test_a_team_filter_keeps_that_teams_workflows_and_their_numbers(page, demo_paths):
    [(tasks, cost_per_success, value_per_task, margin)] = query(
        demo_paths.serving, TASK_TOTALS + " where t.team_id = 'support'"
    )
    names = query(
        demo_paths.serving,
        "select workflow_name from marts.dim_workflows where owner_team_id = 'support' "
        "and workflow_id in (select workflow_id from marts.fct_tasks) order by 1",
    )
    everything = _shown(page)

    page.sidebar.multiselect(key="filter_teams").set_value(["support"]).run()

    assert not page.exception
    assert _shown(page) == _expected_metrics(tasks, cost_per_success, value_per_task, margin)
    assert _shown(page) != everything
    assert sorted(_workflows(page)["workflow"]) == [name for (name,) in names]
    assert set(_review(page)["team"]) == {"Customer Support"}


def test_a_workflow_filter_narrows_every_section_to_that_workflow(page, demo_paths):
    [(tasks, cost_per_success, value_per_task, margin)] = query(
        demo_paths.serving, TASK_TOTALS + " where t.workflow_id = 'kb_answer'"
    )

    page.sidebar.multiselect(key="filter_workflows").set_value(["kb_answer"]).run()

    assert not page.exception
    assert _shown(page) == _expected_metrics(tasks, cost_per_success, value_per_task, margin)
    assert _workflows(page)["workflow_id"].tolist() == ["kb_answer"]
    assert page.selectbox(key=DRILL_DOWN).value == "kb_answer"
    assert _review(page)["workflow"].tolist() == ["Knowledge-base answers"]


def test_the_provider_filter_does_not_change_per_task_figures(page):
    everything = _shown(page)

    page.sidebar.multiselect(key="filter_providers").set_value(["openai"]).run()

    assert not page.exception
    assert _shown(page) == everything


def test_the_period_keeps_the_months_it_overlaps(page, demo_paths):
    [(tasks, cost_per_success, value_per_task, margin)] = query(
        demo_paths.serving,
        TASK_TOTALS + " where t.started_date between '2026-08-01' and '2026-09-30'",
    )

    _set_period(page, "2026-08-15", "2026-09-10")

    assert _shown(page) == _expected_metrics(tasks, cost_per_success, value_per_task, margin)


def test_the_drill_down_starts_on_the_costliest_workflow_and_shows_the_chosen_ones_months(page, demo_paths):
    [(costliest,)] = query(
        demo_paths.serving,
        "select workflow_id from marts.fct_workflow_months group by 1 "
        "order by sum(fully_loaded_cost_usd) desc nulls last limit 1",
    )
    assert page.selectbox(key=DRILL_DOWN).value == costliest

    page.selectbox(key=DRILL_DOWN).set_value("ticket_triage").run()
    _set_period(page, "2026-06-01", "2026-08-31")

    expected = query(
        demo_paths.serving,
        """
        select task_month, tasks, attempts, retries, human_minutes::double, total_tokens_per_task,
            fully_loaded_cost_per_successful_task_usd::double
        from marts.fct_workflow_months
        where workflow_id = 'ticket_triage' and task_month between '2026-06-01' and '2026-08-01'
        order by task_month
        """,
    )
    months = _months(page)
    shown = [
        (month.date(), *values)
        for month, *values in months[
            ["month", "tasks", "attempts", "retries", "human_minutes", "total_tokens_per_task"]
        ].itertuples(index=False)
    ]

    assert page.selectbox(key=DRILL_DOWN).value == "ticket_triage"
    assert shown == [row[:6] for row in expected]
    assert months["cost_per_successful_task_usd"].tolist() == pytest.approx([row[6] for row in expected])
    assert len(expected) == 3


def test_a_workflow_without_call_data_says_its_attempts_and_tokens_are_unknown(page, demo_paths):
    [(workflow_id,)] = query(
        demo_paths.serving,
        "select workflow_id from marts.fct_workflow_months group by 1 "
        "having sum(call_priced_tasks) = 0 order by 1 limit 1",
    )

    page.selectbox(key=DRILL_DOWN).set_value(workflow_id).run()

    assert not page.exception
    assert _months(page)["attempts"].isna().all()
    assert any("attempts and retries are unknown" in info.value for info in page.info)


def test_the_budget_review_shows_the_marts_answers_and_flags_workflows_improving_nothing(page, demo_paths):
    [(month,)] = query(
        demo_paths.serving,
        "select max(task_month) from marts.fct_workflow_months where is_improving_nothing",
    )
    assert month is not None, "the demo year has a month in which some workflow improved on nothing"
    expected = query(
        demo_paths.serving,
        """
        select w.workflow_name, m.has_cost_per_task_fallen, m.has_human_labour_fallen,
            m.has_throughput_risen, m.has_value_risen, m.is_improving_nothing
        from marts.fct_workflow_months as m
        join marts.dim_workflows as w using (workflow_id)
        where m.task_month = ?
        order by 1
        """,
        [month],
    )
    flagged = [row[0] for row in expected if row[5]]

    _set_period(page, str(month), str(month))

    review = _review(page).sort_values("workflow")
    marks = {True: "✔ Yes", False: "✘ No", None: "—"}
    assert [(row[0], *(marks[answer] for answer in row[1:5]), row[5]) for row in expected] == [
        (
            row.workflow,
            row.has_cost_per_task_fallen,
            row.has_human_labour_fallen,
            row.has_throughput_risen,
            row.has_value_risen,
            row.flag != "",
        )
        for row in review.itertuples(index=False)
    ]
    assert set(_review(page)["workflow"].head(len(flagged))) == set(flagged), "flagged workflows come first"
    [warning] = page.warning
    assert all(name in warning.value for name in flagged)


def test_filters_that_keep_no_task_show_what_is_missing_instead_of_an_error(page):
    # The unassigned workflow collects spend no workflow claims; it has no tasks.
    page.sidebar.multiselect(key="filter_workflows").set_value(["unassigned"]).run()

    assert not page.exception
    assert "No tasks in the selected months and filters" in page.info[0].value
    assert not page.dataframe
