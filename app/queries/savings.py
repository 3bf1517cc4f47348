"""The savings page's questions: what the filtered months would have cost under each savings lever, at
assumptions the user picks, recomputed from the levers mart.

fct_savings_levers is linear in every assumption, so a scenario is a weighted sum of its columns: batch
saving = adoption share x the saving at full adoption; cache saving = hit rate x the saving per unit of
hit rate; routing = the small tier's saving over the simplest deciles plus the balanced tier's over the
next ones. The sums are taken per workflow and month first and multiplied as fct_savings_scenarios does
(the same decimal types), so at the dbt defaults the page equals that mart to the cent and beyond.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from app.queries import query, scope

if TYPE_CHECKING:
    from app.filters import Filters

LEVERS = "marts.fct_savings_levers"
SCENARIOS = "marts.fct_savings_scenarios"
# The dbt vars' defaults (dbt_project.yml), used only when the scenarios mart holds no row to read them from.
_DBT_DEFAULTS = (1.0, 0.5, 0.7, 0.2, 0.1)


@dataclass(frozen=True)
class Assumptions:
    """A scenario's assumptions, in whole percentages as the user picks them.

    Routing moves whole deciles of each workflow-month's tasks, so its shares are in tens of percent;
    the frontier share is whatever the small and balanced shares leave.
    """

    batch_adoption_percent: int
    cache_hit_percent: int
    routing_small_percent: int
    routing_balanced_percent: int
    routing_frontier_percent: int

    @property
    def routing_total_percent(self) -> int:
        """The three routing shares added up: 100 for a valid scenario."""
        return self.routing_small_percent + self.routing_balanced_percent + self.routing_frontier_percent

    @property
    def is_valid(self) -> bool:
        """Shares within 0-100%, routing in steps of 10% adding up to 100%."""
        routing = (self.routing_small_percent, self.routing_balanced_percent, self.routing_frontier_percent)
        return (
            0 <= self.batch_adoption_percent <= 100
            and 0 <= self.cache_hit_percent <= 100
            and all(0 <= share <= 100 and share % 10 == 0 for share in routing)
            and self.routing_total_percent == 100
        )

    def text(self) -> str:
        """The assumptions in one line, to print beside every result."""
        return (
            f"Batch: {self.batch_adoption_percent}% of non-urgent usage; "
            f"Cache: {self.cache_hit_percent}% hit rate; "
            f"Routing: {self.routing_small_percent}/{self.routing_balanced_percent}/"
            f"{self.routing_frontier_percent} small/balanced/frontier"
        )


def default_assumptions() -> Assumptions:
    """The assumptions fct_savings_scenarios was built with (the dbt vars), in whole percentages."""
    frame = query(
        f"""
        select
            max(batch_adoption_share) as batch,
            max(cache_hit_rate) as cache,
            max(routing_small_share) as small,
            max(routing_balanced_share) as balanced,
            max(routing_frontier_share) as frontier
        from {SCENARIOS}
        """
    )
    values = frame.iloc[0].tolist() if not frame.empty else [None] * 5
    shares = [
        _DBT_DEFAULTS[i] if value is None or pd.isna(value) else float(value)
        for i, value in enumerate(values)
    ]
    return Assumptions(*(round(share * 100) for share in shares))


def has_levers() -> bool:
    """True when the published copy holds the savings marts (copies published before them do not)."""
    frame = query(
        "select count(*) as found from information_schema.tables "
        "where table_schema = 'marts' and table_name in ('fct_savings_levers', 'fct_savings_scenarios')"
    )
    return int(frame.loc[0, "found"]) == 2


def lever_months(filters: Filters) -> pd.DataFrame:
    """The months overlapping the period that the levers mart holds, oldest first, with the days of each
    that had any usage (the newest month may be partial)."""
    where, params = scope(filters, month="l.usage_month")
    return query(
        f"""
        select l.usage_month as month, max(l.days_with_data) as days_with_data
        from {LEVERS} as l
        where {where}
        group by l.usage_month
        order by l.usage_month
        """,
        tuple(params),
    )


def _saved(filters: Filters, assumptions: Assumptions) -> tuple[str, list]:
    """CTEs ending in `saved`: per workflow and month, the actual cost, what each lever acts on and what
    it saves at the assumptions; and their bound parameters in order."""
    where, params = scope(
        filters, month="l.usage_month", team="l.team_id", provider="l.provider", workflow="l.workflow_id"
    )
    small_deciles = assumptions.routing_small_percent // 10
    routed_deciles = small_deciles + assumptions.routing_balanced_percent // 10
    routing = [small_deciles, small_deciles + 1, routed_deciles]
    batch_share = Decimal(assumptions.batch_adoption_percent) / 100
    cache_rate = Decimal(assumptions.cache_hit_percent) / 100
    sql = f"""
        workflow_months as (
            select
                l.usage_month,
                l.workflow_id,
                l.team_id,
                l.is_urgent,
                sum(l.actual_cost_usd) as actual_cost_usd,
                sum(l.batchable_cost_usd) as batchable_cost_usd,
                sum(l.batch_saving_at_full_adoption_usd) as batch_saving_at_full_adoption_usd,
                sum(l.uncached_input_cost_usd) as uncached_input_cost_usd,
                sum(l.cache_saving_per_hit_rate_usd) as cache_saving_per_hit_rate_usd,
                sum(
                    case
                        when l.routing_decile between 1 and ? then l.small_tier_saving_usd
                        when l.routing_decile between ? and ? then l.balanced_tier_saving_usd
                        else 0
                    end
                ) as routing_saving_usd,
                sum(
                    case
                        when
                            l.routing_decile between 1 and ?
                            and l.capability_tier in ('balanced', 'frontier')
                            then l.actual_cost_usd
                        when l.routing_decile between ? and ? and l.capability_tier = 'frontier'
                            then l.actual_cost_usd
                        else 0
                    end
                ) as routable_cost_usd
            from {LEVERS} as l
            where {where}
            group by l.usage_month, l.workflow_id, l.team_id, l.is_urgent
        ),

        saved as (
            select
                *,
                cast(batch_saving_at_full_adoption_usd * cast(? as decimal(7, 6)) as decimal(38, 10))
                    as batch_saving_usd,
                cast(cache_saving_per_hit_rate_usd * cast(? as decimal(7, 6)) as decimal(38, 10))
                    as cache_saving_usd
            from workflow_months
        )
    """
    return sql, [*routing, *routing, *params, batch_share, cache_rate]


def lever_totals(filters: Filters, assumptions: Assumptions) -> pd.Series:
    """Over the filtered months, teams, providers and workflows: the actual cost; per lever the cost it
    acts on (batchable usage, uncached input, usage in the routed deciles above their tier) and its
    estimated saving at the assumptions; and how many workflows have usage."""
    ctes, params = _saved(filters, assumptions)
    return query(
        f"""
        with {ctes}
        select
            count(distinct workflow_id) as workflows,
            coalesce(sum(actual_cost_usd), 0)::double as actual_cost_usd,
            coalesce(sum(batchable_cost_usd), 0)::double as batch_addressable_usd,
            coalesce(sum(batch_saving_usd), 0)::double as batch_saving_usd,
            coalesce(sum(uncached_input_cost_usd), 0)::double as cache_addressable_usd,
            coalesce(sum(cache_saving_usd), 0)::double as cache_saving_usd,
            coalesce(sum(routable_cost_usd), 0)::double as routing_addressable_usd,
            coalesce(sum(routing_saving_usd), 0)::double as routing_saving_usd
        from saved
        """,
        tuple(params),
    ).iloc[0]


def workflow_savings(filters: Filters, assumptions: Assumptions) -> pd.DataFrame:
    """Per workflow over the filtered months: its name, owner team's name, whether it is urgent (never
    moved to batch), actual cost and each lever's estimated saving at the assumptions; the costliest
    first."""
    ctes, params = _saved(filters, assumptions)
    return query(
        f"""
        with {ctes},

        by_workflow as (
            select
                workflow_id,
                min(team_id) as team_id,
                bool_or(is_urgent) as is_urgent,
                sum(actual_cost_usd) as actual_cost_usd,
                sum(batch_saving_usd) as batch_saving_usd,
                sum(cache_saving_usd) as cache_saving_usd,
                sum(routing_saving_usd) as routing_saving_usd
            from saved
            group by workflow_id
        )

        select
            coalesce(w.workflow_name, b.workflow_id) as workflow,
            coalesce(t.team_name, b.team_id) as team,
            b.is_urgent,
            b.actual_cost_usd::double as actual_cost_usd,
            b.batch_saving_usd::double as batch_saving_usd,
            b.cache_saving_usd::double as cache_saving_usd,
            b.routing_saving_usd::double as routing_saving_usd,
            b.workflow_id
        from by_workflow as b
        left join marts.dim_workflows as w on b.workflow_id = w.workflow_id
        left join marts.dim_teams as t on b.team_id = t.team_id
        order by b.actual_cost_usd desc, b.workflow_id
        """,
        tuple(params),
    )


def method_notes() -> dict[str, str]:
    """How each lever's saving is computed, as fct_savings_scenarios words it, by scenario name."""
    frame = query(
        f"select scenario, min(method_note) as method_note from {SCENARIOS} "
        "group by scenario order by scenario"
    )
    return dict(zip(frame["scenario"], frame["method_note"], strict=True))
