"""fct_workflow_months adds up to fct_tasks to the cent and tells the sample company's year."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ingest.sample import company
from tests.conftest import query

MONTHS = "marts.fct_workflow_months"
TASKS = "marts.fct_tasks"
TEN_PLACES = Decimal("0.0000000001")
# The story's first three months (from 2025-11-01) and its last three (to 2026-10-31).
FIRST_QUARTER_LAST_MONTH = "2026-01-01"
LAST_QUARTER_FIRST_MONTH = "2026-08-01"
# Workflows that call providers directly and log no calls: their cost is a share of usage, no tokens.
DIRECT_ROUTE_WORKFLOWS = {"ci_code_fix", "research_notebooks", "churn_scoring"}


def _quarters(warehouse, numerator: str, denominator: str) -> dict[str, tuple[float | None, float | None]]:
    """Per workflow, sum(numerator) / sum(denominator) over the first and over the last quarter's rows."""

    def ratio(months: str) -> str:
        return (
            f"cast(sum(case when task_month {months} then {numerator} end) as double)"
            f" / sum(case when task_month {months} then {denominator} end)"
        )

    rows = query(
        warehouse,
        f"""
        select workflow_id, {ratio("<= cast(? as date)")}, {ratio(">= cast(? as date)")}
        from {MONTHS}
        group by workflow_id
        """,
        [FIRST_QUARTER_LAST_MONTH] * 2 + [LAST_QUARTER_FIRST_MONTH] * 2,
    )
    return {workflow: (first, last) for workflow, first, last in rows}


def test_totals_per_workflow_equal_fct_tasks_to_the_cent(demo_paths):
    columns = (
        "tasks",
        "successful_tasks",
        "attempts",
        "retries",
        "failed_calls",
        "model_cost_usd",
        "human_minutes",
        "human_cost_usd",
        "value_usd",
        "uncached_input_tokens",
        "reasoning_tokens",
    )
    tasks_side = {
        "tasks": "count(*)",
        "successful_tasks": "sum(case when is_succeeded then 1 else 0 end)",
    }
    sums = ", ".join(f"sum({c})" for c in columns)
    mart = query(demo_paths.warehouse, f"select workflow_id, {sums} from {MONTHS} group by 1 order by 1")
    source = query(
        demo_paths.warehouse,
        f"select workflow_id, {', '.join(tasks_side.get(c, f'sum({c})') for c in columns)} "
        f"from {TASKS} group by 1 order by 1",
    )

    assert mart == source
    assert len(mart) == len(company.WORKFLOWS)
    assert sum(row[6] for row in mart) > 100  # model cost of the year, in USD


def test_one_row_per_workflow_and_month_with_tasks_and_whole_months_of_data(demo_paths):
    [(rows, keys, months, min_days, max_days, year_days)] = query(
        demo_paths.warehouse,
        f"""
        select
            (select count(*) from {MONTHS}),
            (select count(distinct workflow_id || date_trunc('month', started_date)) from {TASKS}),
            (select count(distinct task_month) from {MONTHS}),
            (select min(days_with_data) from {MONTHS}),
            (select max(days_with_data) from {MONTHS}),
            (select sum(days_with_data) from {MONTHS} where workflow_id = 'ticket_triage')
        """,
    )

    assert rows == keys == len(company.WORKFLOWS) * 12
    assert months == 12
    # The sample year is 2025-11-01 to 2026-10-31: every month whole, 365 days in all.
    assert (min_days, max_days, year_days) == (28, 31, 365)


def test_per_task_figures_are_the_totals_divided_exactly(demo_paths):
    rows = query(
        demo_paths.warehouse,
        f"""
        select
            fully_loaded_cost_usd, successful_tasks, fully_loaded_cost_per_successful_task_usd,
            margin_usd, margin_per_successful_task_usd, model_cost_usd, priced_tasks,
            model_cost_per_task_usd, value_usd, tasks_with_value, value_per_task_usd
        from {MONTHS}
        """,
    )

    def exact(amount, divisor):
        if amount is None or not divisor:
            return None
        quotient = (abs(amount) / Decimal(divisor)).quantize(TEN_PLACES, rounding=ROUND_HALF_UP)
        return -quotient if amount < 0 else quotient

    for fl, succ, fl_per, margin, margin_per, model, priced, model_per, value, valued, value_per in rows:
        assert fl_per == exact(fl, succ)
        assert margin_per == exact(margin, succ)
        assert model_per == exact(model, priced)
        assert value_per == exact(value, valued)
    # Sales emails are worth less than the sales team's minutes on them: negative margins divide too.
    assert any(margin is not None and margin < 0 for _, _, _, margin, *_ in rows)


def test_the_budget_review_flags_exactly_the_months_that_improved_nothing(demo_paths):
    [(first_months, answered_in_first, inconsistent, flagged)] = query(
        demo_paths.warehouse,
        f"""
        select
            count(case when previous_task_month is null then 1 end),
            count(case when previous_task_month is null and (improved_count is not null
                or has_cost_per_task_fallen is not null or has_throughput_risen is not null
                or is_improving_nothing) then 1 end),
            count(case when previous_task_month is not null and is_improving_nothing <> (
                improved_count = 0) then 1 end),
            count(case when is_improving_nothing then 1 end)
        from {MONTHS}
        """,
    )

    assert first_months == len(company.WORKFLOWS)
    assert answered_in_first == 0
    assert inconsistent == 0
    assert flagged > 0


def test_tasks_need_more_tokens_while_each_token_costs_less(demo_paths):
    """The Jevons question: contexts grow every month while list prices fall."""
    tokens_per_task = _quarters(demo_paths.warehouse, "total_tokens", "call_priced_tasks")
    cost_per_token = _quarters(demo_paths.warehouse, "model_cost_usd", "total_tokens")
    growth = {w.workflow_id: w.context_growth for w in company.WORKFLOWS}

    with_tokens = {w for w, (first, last) in tokens_per_task.items() if first is not None}
    assert with_tokens == set(growth) - DIRECT_ROUTE_WORKFLOWS
    for workflow in with_tokens:
        first, last = tokens_per_task[workflow]
        assert last > first, workflow
        if growth[workflow] >= 0.03:
            assert last > 1.2 * first, workflow
        assert cost_per_token[workflow][1] < cost_per_token[workflow][0], workflow


def test_people_correct_less_and_workflows_deliver_more_each_day(demo_paths):
    minutes = _quarters(demo_paths.warehouse, "human_minutes", "tasks_with_human_minutes")
    throughput = _quarters(demo_paths.warehouse, "successful_tasks", "days_with_data")

    # People learn the tools: less correction per task (the largest workflows, where noise is small).
    for workflow in ("ticket_triage", "kb_answer", "sales_email", "invoice_extraction", "doc_summarisation"):
        first, last = minutes[workflow]
        assert last < 0.85 * first, workflow
    # Volumes grow by 8% a month or more: at least 1.5 times the successes a day after nine months.
    for workflow in (w.workflow_id for w in company.WORKFLOWS if w.monthly_growth >= 0.08):
        first, last = throughput[workflow]
        assert last > 1.5 * first, workflow


def test_the_cost_basis_shows_where_model_cost_is_an_estimate_or_missing(demo_paths):
    rows = query(
        demo_paths.warehouse,
        f"""
        select workflow_id, task_month, tasks, usage_share_tasks, unpriced_tasks, model_cost_usd, total_tokens
        from {MONTHS}
        where workflow_id in ('ci_code_fix', 'research_notebooks', 'churn_scoring')
        """,
    )

    for workflow, month, tasks, shared, unpriced, model_cost, tokens in rows:
        assert tokens is None
        if workflow == "churn_scoring" and str(month) < "2026-03-01":
            # Its Azure resource was tagged and owned only from 1 March: no usage names it before.
            assert (unpriced, model_cost) == (tasks, None)
        else:
            assert (shared, unpriced) == (tasks, 0)
            assert model_cost > 0
