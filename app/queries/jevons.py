"""The Jevons page's questions: why the bill grows while prices fall. Price, quantity and spend indices
per capability tier and month, the month's price, volume and mix effects, the elasticity of volume to
price per tier, and tokens per task per workflow.

The tier marts are company-wide (every model's tokens at list price), so only the period applies to
them; tokens per task follow the period, the team (the workflow's owner) and the workflow.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from app.queries import query, scope

if TYPE_CHECKING:
    from app.filters import Filters

TIER_MONTHS = "marts.fct_tier_price_volume_months"
ELASTICITIES = "marts.fct_tier_price_elasticities"
WORKFLOW_MONTHS = "marts.fct_workflow_months"
# Every model together first, then from the dearest tier to the cheapest; `unknown` (models without a
# tier) last.
TIER_ORDER = ("all", "frontier", "balanced", "small", "unknown")
_TIER_RANK = "coalesce(list_position(?, capability_tier), 99)"


def tiers() -> list[str]:
    """The capability tiers the tier marts hold, `all` first, then frontier, balanced, small, unknown."""
    frame = query(
        f"select distinct capability_tier, {_TIER_RANK} as rank from {TIER_MONTHS} order by rank, 1",
        (list(TIER_ORDER),),
    )
    return frame["capability_tier"].tolist()


def tier_months(filters: Filters, tier: str) -> pd.DataFrame:
    """One tier's months overlapping the period, oldest first: days with data and in the month, spend,
    tokens, blended price per million tokens, and the price, quantity and spend indices rebased to 100
    in the first month shown (the mart's chained indices divided by their first month's value, so
    price x quantity / 100 = spend still holds), with the mart's own indices beside them."""
    where, params = scope(filters, month="usage_month")
    return query(
        f"""
        with months as (
            select *
            from {TIER_MONTHS}
            where capability_tier = ? and {where}
        ),

        rebased as (
            select
                usage_month as month,
                days_with_data,
                days_in_month,
                is_complete_month,
                models_used,
                total_tokens,
                spend_usd::double as spend_usd,
                blended_price_usd_per_mtok::double as blended_price_usd_per_mtok,
                100 * price_index / first_value(price_index) over by_month as price_index,
                100 * quantity_index / nullif(first_value(quantity_index) over by_month, 0)
                    as quantity_index,
                (100 * spend_usd / nullif(first_value(spend_usd) over by_month, 0))::double as spend_index,
                price_index as price_index_since_start,
                quantity_index as quantity_index_since_start,
                spend_index as spend_index_since_start
            from months
            window by_month as (order by usage_month)
        )

        select *
        from rebased
        order by month
        """,
        (tier, *params),
    )


def waterfall_months(filters: Filters, tier: str) -> list[date]:
    """The tier's months overlapping the period that have a previous month to compare with (the first
    month of data has none), newest first."""
    where, params = scope(filters, month="usage_month")
    frame = query(
        f"""
        select usage_month
        from {TIER_MONTHS}
        where capability_tier = ? and spend_change_usd is not null and {where}
        order by usage_month desc
        """,
        (tier, *params),
    )
    return [pd.Timestamp(month).date() for month in frame["usage_month"]]


def month_effects(tier: str, month: date) -> pd.Series:
    """One tier's month against the month before: previous and this month's spend, the change and its
    price, volume and mix effects (which add up to the change exactly in the mart), both months' tokens
    and blended price per million tokens, and whether this month is complete."""
    return query(
        f"""
        select
            usage_month as month,
            (usage_month - interval 1 month)::date as previous_month,
            previous_spend_usd::double as previous_spend_usd,
            price_effect_usd::double as price_effect_usd,
            volume_effect_usd::double as volume_effect_usd,
            mix_effect_usd::double as mix_effect_usd,
            spend_usd::double as spend_usd,
            spend_change_usd::double as spend_change_usd,
            previous_total_tokens,
            total_tokens,
            (previous_spend_usd / nullif(previous_total_tokens, 0) * 1000000)::double
                as previous_blended_price_usd_per_mtok,
            blended_price_usd_per_mtok::double as blended_price_usd_per_mtok,
            models_continuing,
            models_entering,
            models_leaving,
            is_complete_month,
            days_with_data,
            days_in_month
        from {TIER_MONTHS}
        where capability_tier = ? and usage_month = ?
        """,
        (tier, month),
    ).iloc[0]


def elasticities() -> pd.DataFrame:
    """Per tier, in the page's tier order: the elasticity of volume to price, its r², the complete
    months the fit used (how many, first and last), the price and quantity index changes over them, and
    the mart's note in plain words."""
    return query(
        f"""
        select
            capability_tier as tier,
            elasticity,
            r_squared,
            months_used,
            first_month,
            last_month,
            price_index_change_pct,
            quantity_index_change_pct,
            note
        from {ELASTICITIES}
        order by {_TIER_RANK}, capability_tier
        """,
        (list(TIER_ORDER),),
    )


def _workflow_scope(filters: Filters) -> tuple[str, list]:
    # A task's calls span providers, so the provider filter does not apply; the team is the owner.
    return scope(filters, month="m.task_month", team="m.team_id", workflow="m.workflow_id")


def tokens_per_task(filters: Filters) -> pd.DataFrame:
    """Per workflow and month overlapping the period, in the team and workflow filters: the workflow's
    name, tokens per task (over the tasks with call-level data) and how many tasks that counts. Only
    workflows and months with such tasks; by workflow name, then month."""
    where, params = _workflow_scope(filters)
    return query(
        f"""
        select
            m.task_month as month,
            coalesce(w.workflow_name, m.workflow_id) as workflow,
            m.total_tokens_per_task as tokens_per_task,
            m.call_priced_tasks as tasks_with_call_data,
            m.workflow_id
        from {WORKFLOW_MONTHS} as m
        left join marts.dim_workflows as w on m.workflow_id = w.workflow_id
        where m.total_tokens_per_task is not null and {where}
        order by workflow, month
        """,
        tuple(params),
    )


def workflows_without_tokens(filters: Filters) -> list[str]:
    """Names of the workflows in the filters with tasks in the months but no call-level tokens in any of
    them (their model cost is a share of provider usage), alphabetically."""
    where, params = _workflow_scope(filters)
    frame = query(
        f"""
        select coalesce(min(w.workflow_name), m.workflow_id) as workflow
        from {WORKFLOW_MONTHS} as m
        left join marts.dim_workflows as w on m.workflow_id = w.workflow_id
        where {where}
        group by m.workflow_id
        having count(m.total_tokens_per_task) = 0
        order by workflow
        """,
        tuple(params),
    )
    return frame["workflow"].tolist()


def tokens_per_task_change(filters: Filters) -> pd.DataFrame:
    """Per workflow of `tokens_per_task`: its first and last month with call-level tokens in the period,
    tokens per task in each and the change in percent; the fastest-growing first."""
    where, params = _workflow_scope(filters)
    return query(
        f"""
        with months as (
            select
                m.workflow_id,
                m.task_month,
                m.total_tokens_per_task
            from {WORKFLOW_MONTHS} as m
            where m.total_tokens_per_task is not null and {where}
        ),

        ends as (
            select
                workflow_id,
                min(task_month) as first_month,
                arg_min(total_tokens_per_task, task_month) as first_tokens_per_task,
                max(task_month) as last_month,
                arg_max(total_tokens_per_task, task_month) as last_tokens_per_task
            from months
            group by workflow_id
        )

        select
            coalesce(w.workflow_name, e.workflow_id) as workflow,
            e.first_month,
            e.first_tokens_per_task,
            e.last_month,
            e.last_tokens_per_task,
            100 * (e.last_tokens_per_task / nullif(e.first_tokens_per_task, 0) - 1) as change_pct,
            e.workflow_id
        from ends as e
        left join marts.dim_workflows as w on e.workflow_id = w.workflow_id
        order by change_pct desc nulls last, workflow
        """,
        tuple(params),
    )
