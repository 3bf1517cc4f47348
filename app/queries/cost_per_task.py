"""The cost per task page's questions: what each workflow's tasks cost fully loaded and were worth over
the filtered months, one workflow's months, and the budget review's four questions.

Over several months, money, minutes and counts are summed first and divided after: a ratio of sums,
never an average of the months' ratios, so a big month weighs as much as its tasks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from app.queries import query, scope

if TYPE_CHECKING:
    from app.filters import Filters

WORKFLOW_MONTHS = "marts.fct_workflow_months"


def _scope(filters: Filters) -> tuple[str, list]:
    # Months that overlap the period; the team is the workflow's owner team. A task's model cost covers
    # every call it made whichever provider served it, so the provider filter does not apply.
    return scope(filters, month="m.task_month", team="m.team_id", workflow="m.workflow_id")


# Sums over the months kept; a sum of money is NULL only when no month has the figure.
_SUMS = """
    coalesce(sum(m.tasks), 0) as tasks,
    sum(m.reported_tasks) as reported_tasks,
    sum(m.successful_tasks) as successful_tasks,
    sum(m.unpriced_tasks) as unpriced_tasks,
    sum(m.tasks_with_value) as tasks_with_value,
    sum(m.tasks_with_human_minutes) as tasks_with_human_minutes,
    sum(m.human_minutes) as human_minutes,
    sum(m.model_cost_usd) as model_cost_usd,
    sum(m.human_cost_usd) as human_cost_usd,
    sum(m.value_usd) as value_usd
"""

# Ratios of the sums, as the mart defines them for one month; money cast to double for display only.
_FIGURES = """
    tasks,
    successful_tasks,
    successful_tasks::double / nullif(reported_tasks, 0) as success_rate,
    model_cost_usd::double as model_cost_usd,
    human_cost_usd::double as human_cost_usd,
    (model_cost_usd + human_cost_usd)::double as fully_loaded_cost_usd,
    ((model_cost_usd + human_cost_usd) / nullif(successful_tasks, 0))::double
        as cost_per_successful_task_usd,
    value_usd::double as value_usd,
    (value_usd / nullif(tasks_with_value, 0))::double as value_per_task_usd,
    (value_usd - (model_cost_usd + human_cost_usd))::double as margin_usd,
    ((value_usd - (model_cost_usd + human_cost_usd)) / nullif(successful_tasks, 0))::double
        as margin_per_successful_task_usd,
    (human_minutes / nullif(tasks_with_human_minutes, 0))::double as human_minutes_per_task,
    unpriced_tasks
"""


def period_totals(filters: Filters) -> pd.Series:
    """All filtered workflows together over the months overlapping the period: tasks, successes, success
    rate, model, human and fully loaded cost, cost per successful task, value, value per task, margin,
    margin per successful task, human minutes per task and tasks without a model cost."""
    where, params = _scope(filters)
    return query(
        f"""
        with sums as (
            select {_SUMS}
            from {WORKFLOW_MONTHS} as m
            where {where}
        )
        select {_FIGURES}
        from sums
        """,
        tuple(params),
    ).iloc[0]


def workflows(filters: Filters) -> pd.DataFrame:
    """Per workflow over the months overlapping the period, the figures of `period_totals`, with its
    name and owner team's name and, for the chart, model and human cost per successful task; the
    costliest (fully loaded) first."""
    where, params = _scope(filters)
    return query(
        f"""
        with sums as (
            select
                m.workflow_id,
                min(m.team_id) as team_id,
                {_SUMS}
            from {WORKFLOW_MONTHS} as m
            where {where}
            group by m.workflow_id
        ),

        figures as (
            select
                workflow_id,
                team_id,
                (model_cost_usd / nullif(successful_tasks, 0))::double as model_cost_per_successful_task_usd,
                (human_cost_usd / nullif(successful_tasks, 0))::double as human_cost_per_successful_task_usd,
                {_FIGURES}
            from sums
        )

        select
            coalesce(w.workflow_name, f.workflow_id) as workflow,
            coalesce(t.team_name, f.team_id) as team,
            f.* exclude (team_id, workflow_id),
            f.workflow_id
        from figures as f
        left join marts.dim_workflows as w on f.workflow_id = w.workflow_id
        left join marts.dim_teams as t on f.team_id = t.team_id
        order by f.fully_loaded_cost_usd desc nulls last, f.tasks desc, f.workflow_id
        """,
        tuple(params),
    )


def workflow_months(filters: Filters, workflow_id: str) -> pd.DataFrame:
    """One workflow's months overlapping the period, oldest first: tasks, successes, success rate,
    attempts, first attempts, retries and failed calls (NULL when it logs no calls), human minutes in
    all and per task, tokens per task by type and in all (per task with call-level data), model, human
    and fully loaded cost per successful task (model and human only in months with a fully loaded
    cost), value per task and margin."""
    where, params = scope(filters, month="m.task_month")
    return query(
        f"""
        select
            m.task_month as month,
            m.tasks,
            m.successful_tasks,
            m.success_rate,
            m.attempts,
            m.attempts - m.retries as first_attempts,
            m.retries,
            m.failed_calls,
            m.human_minutes::double as human_minutes,
            m.human_minutes_per_task::double as human_minutes_per_task,
            m.call_priced_tasks,
            m.uncached_input_tokens_per_task,
            m.cache_read_tokens_per_task,
            m.cache_write_tokens_per_task,
            m.output_tokens_per_task,
            m.reasoning_tokens_per_task,
            m.total_tokens_per_task,
            case
                when m.fully_loaded_cost_usd is not null
                    then (m.model_cost_usd / nullif(m.successful_tasks, 0))::double
            end as model_cost_per_successful_task_usd,
            case
                when m.fully_loaded_cost_usd is not null
                    then (m.human_cost_usd / nullif(m.successful_tasks, 0))::double
            end as human_cost_per_successful_task_usd,
            m.fully_loaded_cost_per_successful_task_usd::double as cost_per_successful_task_usd,
            m.value_per_task_usd::double as value_per_task_usd,
            m.margin_usd::double as margin_usd
        from {WORKFLOW_MONTHS} as m
        where m.workflow_id = ? and {where}
        order by m.task_month
        """,
        (workflow_id, *params),
    )


def budget_review(filters: Filters) -> pd.DataFrame:
    """Per workflow, its latest month with tasks in the period against its previous month with tasks
    (which may lie before the period): the four answers (NULL when unanswerable), how many improved,
    whether none did, and the figures compared, this month's and the previous one's. Workflows improving
    nothing first, then the fewest improvements."""
    where, params = _scope(filters)
    return query(
        f"""
        with latest as (
            select m.*
            from {WORKFLOW_MONTHS} as m
            where {where}
            qualify row_number() over (partition by m.workflow_id order by m.task_month desc) = 1
        )

        select
            coalesce(w.workflow_name, l.workflow_id) as workflow,
            coalesce(t.team_name, l.team_id) as team,
            l.task_month as month,
            l.previous_task_month as compared_with,
            l.has_cost_per_task_fallen,
            l.has_human_labour_fallen,
            l.has_throughput_risen,
            l.has_value_risen,
            l.improved_count,
            l.is_improving_nothing,
            l.fully_loaded_cost_per_successful_task_usd::double as cost_per_successful_task_usd,
            p.fully_loaded_cost_per_successful_task_usd::double as previous_cost_per_successful_task_usd,
            l.human_minutes_per_task::double as human_minutes_per_task,
            p.human_minutes_per_task::double as previous_human_minutes_per_task,
            l.successful_tasks_per_day,
            p.successful_tasks_per_day as previous_successful_tasks_per_day,
            l.value_per_task_usd::double as value_per_task_usd,
            p.value_per_task_usd::double as previous_value_per_task_usd,
            l.workflow_id
        from latest as l
        left join {WORKFLOW_MONTHS} as p
            on l.workflow_id = p.workflow_id and l.previous_task_month = p.task_month
        left join marts.dim_workflows as w on l.workflow_id = w.workflow_id
        left join marts.dim_teams as t on l.team_id = t.team_id
        order by l.is_improving_nothing desc, l.improved_count nulls last, l.fully_loaded_cost_usd desc
        """,
        tuple(params),
    )
