"""The savings levers replay the sample company's year: every token once, at the dated list price.

fct_savings_levers holds each lever's linear inputs; fct_savings_scenarios the scenarios at the
default assumptions (batch share 1, cache hit rate 0.5, routing 70/20/10).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ingest.sample import company
from tests.conftest import query

LEVERS = "marts.fct_savings_levers"
SCENARIOS = "marts.fct_savings_scenarios"
USAGE = "marts.fct_token_usage"
TASKS = "marts.fct_tasks"
CENT = Decimal("0.01")
NON_URGENT = {w.workflow_id for w in company.WORKFLOWS if not w.urgent}
ON_BATCH_FROM = {w.workflow_id: w.batch_from for w in company.WORKFLOWS if w.batch_from}
# Workflows that call providers directly without logging calls: no task has tokens to rank by.
UNLOGGED = {w.workflow_id for w in company.WORKFLOWS if w.route in ("anthropic", "openai", "azure")}


def _by_month(warehouse, sql: str, params: list | None = None) -> dict[date, Decimal]:
    return dict(query(warehouse, sql, params))


def test_actual_cost_is_every_reported_and_billed_token_once_at_list_price(demo_paths):
    """The provider reports and bills hold every call once; the levers' usage is the same tokens."""
    [(mart_cost, mart_tokens)] = query(
        demo_paths.warehouse,
        f"""
        select sum(actual_cost_usd),
            sum(uncached_input_tokens + cache_read_tokens + cache_write_tokens + output_tokens)
        from {LEVERS}
        """,
    )
    [(source_cost, source_tokens)] = query(
        demo_paths.warehouse,
        f"""
        select sum(list_cost_usd), sum(total_tokens)
        from {USAGE}
        where usage_source in ('provider_usage', 'billing')
        """,
    )
    scenario_costs = query(
        demo_paths.warehouse, f"select scenario, sum(actual_cost_usd) from {SCENARIOS} group by 1 order by 1"
    )

    assert mart_tokens == source_tokens
    assert abs(mart_cost - source_cost) < CENT
    assert source_cost > 100
    assert [(s, abs(c - mart_cost) < CENT) for s, c in scenario_costs] == [
        ("batch", True),
        ("cache", True),
        ("routing", True),
    ]


def test_tasks_usage_costs_what_fct_tasks_says_except_where_the_gateway_missed_batch(demo_paths):
    """Usage of ranked tasks is fct_tasks' calls. fct_tasks prices sales emails at the gateway's
    standard rate; here they pay the batch price the provider's report shows from June."""
    levers = dict(
        query(
            demo_paths.warehouse,
            f"select workflow_id, sum(actual_cost_usd) from {LEVERS} where routing_decile > 0 group by 1",
        )
    )
    tasks = dict(
        query(
            demo_paths.warehouse,
            f"""
            select workflow_id, sum(model_cost_usd)
            from {TASKS}
            where cost_basis = 'call_priced'
            group by 1
            """,
        )
    )
    [(reported_batch_cost,)] = query(
        demo_paths.warehouse,
        f"""
        select sum(list_cost_usd)
        from {USAGE}
        where usage_source = 'provider_usage' and is_seen_by_gateway and is_batch
        """,
    )
    [(sales_batch_cost,)] = query(
        demo_paths.warehouse,
        f"select sum(actual_cost_usd) from {LEVERS} where workflow_id = 'sales_email' and is_batch",
    )

    assert set(levers) == set(tasks) == {w.workflow_id for w in company.WORKFLOWS} - UNLOGGED
    for workflow, cost in tasks.items():
        if workflow != "sales_email":
            assert abs(levers[workflow] - cost) < CENT, workflow
    assert abs(sales_batch_cost - reported_batch_cost) < CENT
    assert reported_batch_cost > 0
    # The catalogue has no batch price for these models: the batch rate is half the standard one.
    assert abs(tasks["sales_email"] - levers["sales_email"] - reported_batch_cost) < CENT


def test_urgent_workflows_and_usage_already_on_batch_save_nothing_from_batch(demo_paths):
    rows = query(
        demo_paths.warehouse,
        f"""
        select
            workflow_id, is_urgent, is_batch,
            sum(batchable_cost_usd), sum(batch_saving_at_full_adoption_usd)
        from {LEVERS}
        group by 1, 2, 3
        """,
    )
    urgent = {w for w, is_urgent, *_ in rows if is_urgent}
    scenario_savings = dict(
        query(
            demo_paths.warehouse,
            f"select workflow_id, sum(savings_usd) from {SCENARIOS} where scenario = 'batch' group by 1",
        )
    )

    assert urgent == {w.workflow_id for w in company.WORKFLOWS if w.urgent} | {"unassigned"}
    for workflow, is_urgent, is_batch, batchable, saving in rows:
        if is_urgent or is_batch:
            assert (batchable, saving) == (0, 0), workflow
        else:
            assert saving > 0, workflow
    for workflow in urgent:
        assert scenario_savings[workflow] == 0, workflow
    for workflow in NON_URGENT:
        assert scenario_savings[workflow] > 0, workflow


def test_batch_saves_half_where_the_catalogue_assumes_half_price(demo_paths):
    rows = query(
        demo_paths.warehouse,
        f"""
        select savings_lever_id, batchable_cost_usd, batch_saving_at_full_adoption_usd
        from {LEVERS}
        where is_batchable and has_assumed_batch_price
        """,
    )

    assert rows
    for lever, batchable, saving in rows:
        assert abs(batchable / 2 - saving) < Decimal("0.000000001"), lever


def test_workflows_that_moved_to_batch_save_nothing_more_after_the_move(demo_paths):
    """Sales emails moved to the Batch API on 1 June (through the gateway, which cannot tell),
    research notebooks on 1 May (directly): from their move on, there is nothing left to batch."""
    for workflow, moved in ON_BATCH_FROM.items():
        saving = _by_month(
            demo_paths.warehouse,
            f"select usage_month, savings_usd from {SCENARIOS} where scenario = 'batch' and workflow_id = ?",
            [workflow],
        )
        before = [s for month, s in saving.items() if month < moved]
        after = [s for month, s in saving.items() if month >= moved]
        assert len(before) >= 6, workflow
        assert len(after) >= 5, workflow
        assert all(s > 0 for s in before), workflow
        assert all(s == 0 for s in after), workflow


def test_cache_saving_is_nothing_at_rate_zero_and_linear_in_the_rate(demo_paths):
    """What the dashboard does: the lever columns times a bound rate."""

    def saving(rate: str) -> dict[str, Decimal]:
        return dict(
            query(
                demo_paths.warehouse,
                f"""
                select
                    workflow_id,
                    sum(cast(cache_saving_per_hit_rate_usd * cast(? as decimal(7, 6)) as decimal(38, 10)))
                from {LEVERS}
                group by 1
                """,
                [rate],
            )
        )

    at_zero, at_quarter, at_half, at_full = saving("0"), saving("0.25"), saving("0.5"), saving("1")
    default = dict(
        query(
            demo_paths.warehouse,
            f"select workflow_id, sum(savings_usd) from {SCENARIOS} where scenario = 'cache' group by 1",
        )
    )
    [(rates,)] = query(
        demo_paths.warehouse,
        f"select count(distinct cache_hit_rate) from {SCENARIOS} where scenario = 'cache'",
    )

    assert rates == 1
    assert set(at_zero.values()) == {0}
    for workflow, half in at_half.items():
        assert abs(2 * at_quarter[workflow] - half) < Decimal("0.0000001"), workflow
        assert abs(at_full[workflow] - 2 * half) < Decimal("0.0000001"), workflow
        assert abs(default[workflow] - half) < CENT, workflow
    # Every workflow, the incident summariser (which never caches) too, has full-price input to cache.
    assert all(s > 0 for s in at_half.values())


def test_routing_moves_only_the_simplest_tasks_down_a_tier(demo_paths):
    rows = query(
        demo_paths.warehouse,
        f"""
        select
            workflow_id, routing_decile, capability_tier,
            sum(small_tier_saving_usd), sum(balanced_tier_saving_usd)
        from {LEVERS}
        group by 1, 2, 3
        """,
    )
    routing = dict(
        query(
            demo_paths.warehouse,
            f"""
            select workflow_id, sum(savings_usd) / sum(actual_cost_usd)
            from {SCENARIOS}
            where scenario = 'routing'
            group by 1
            """,
        )
    )
    [(small, balanced, frontier)] = query(
        demo_paths.warehouse,
        f"""
        select distinct routing_small_share, routing_balanced_share, routing_frontier_share
        from {SCENARIOS} where scenario = 'routing'
        """,
    )

    assert (small, balanced, frontier) == (0.7, 0.2, 0.1)
    deciles = {w: set() for w, *_ in rows}
    for workflow, decile, tier, small_saving, balanced_saving in rows:
        deciles[workflow].add(decile)
        if decile == 0 or tier == "small":
            assert (small_saving, balanced_saving) == (0, 0), (workflow, decile)
        if tier == "balanced":
            assert balanced_saving == 0, (workflow, decile)
    for workflow in UNLOGGED | {"unassigned"}:
        assert deciles[workflow] == {0}, workflow
        assert routing[workflow] == 0, workflow
    for workflow in {w.workflow_id for w in company.WORKFLOWS} - UNLOGGED:
        assert set(range(1, 11)) <= deciles[workflow], workflow
    # Frontier models (code review on Opus, campaign copy on GPT-5.6 Sol) save the most; workflows
    # already on small models save only on their rare fallback calls.
    assert min(routing["code_review"], routing["marketing_copy"]) > 0.5
    assert max(routing["ticket_triage"], routing["invoice_extraction"], routing["sales_email"]) < 0.01


def test_last_quarter_scenarios_are_labelled_estimates_with_their_assumptions(demo_paths):
    rows = query(
        demo_paths.warehouse,
        f"""
        select scenario, sum(actual_cost_usd), sum(scenario_cost_usd), sum(savings_usd),
            min(days_with_data), count(distinct usage_month), bool_and(is_estimate),
            count(distinct assumptions), min(assumptions)
        from {SCENARIOS}
        where usage_month between date '2026-08-01' and date '2026-10-01'
        group by 1
        order by 1
        """,
    )

    assert [r[0] for r in rows] == ["batch", "cache", "routing"]
    assert {r[1] for r in rows} == {rows[0][1]}
    for scenario, actual, scenario_cost, saving, min_days, months, estimate, assumptions, _text in rows:
        assert scenario_cost + saving == actual, scenario
        assert 0 < saving < actual, scenario
        assert (min_days, months, estimate, assumptions) == (30, 3, True, 1), scenario
    assert [r[8] for r in rows] == [
        "batch_adoption_share=1.0",
        "cache_hit_rate=0.5",
        "routing_shares=small 0.7, balanced 0.2, frontier 0.1",
    ]
