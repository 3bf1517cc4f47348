"""Budgets add up to the ledger to the cent, and the planted retry loop is the spend spike it should be."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ingest.sample import company
from tests.conftest import query

BUDGETS = "marts.fct_team_budget_months"
ANOMALIES = "marts.fct_spend_anomalies"
LEDGER = "marts.focus_cost_and_usage"
LOOP = company.RETRY_LOOP

BUDGET_EXAMPLE = f"""
select budget_month, team_id, budget_amount, actual_billed_cost, forecast_billed_cost,
    round(budget_used_share, 2) as budget_used, is_over_budget, is_forecast_over_budget
from {BUDGETS}
where budget_month = (select max(budget_month) from {BUDGETS})
order by forecast_budget_share desc nulls last
"""
ANOMALY_EXAMPLE = f"""
select spend_date, team_id, provider, billed_cost, baseline_median,
    round(spend_vs_baseline, 1) as times_usual, robust_z_score,
    top_workflow_id, round(top_workflow_share, 2) as top_workflow_share
from {ANOMALIES}
where is_anomaly
order by robust_z_score desc
limit 20
"""


def test_team_months_add_up_to_the_ledgers_ai_spend_exactly(demo_paths):
    mart = dict(
        (key[:2], key[2])
        for key in query(
            demo_paths.warehouse,
            f"select team_id, budget_month, actual_billed_cost from {BUDGETS} where actual_billed_cost <> 0",
        )
    )
    ledger = dict(
        (key[:2], key[2])
        for key in query(
            demo_paths.warehouse,
            f"""
            select x_TeamId, cast(date_trunc('month', ChargePeriodStart) as date), sum(BilledCost)
            from {LEDGER}
            where x_IsAiSpend
            group by all
            """,
        )
    )

    assert mart == ledger
    allocated = sum(v for (team, _), v in mart.items() if team != "unallocated")
    unallocated = sum(v for (team, _), v in mart.items() if team == "unallocated")
    [(billed,)] = query(demo_paths.warehouse, f"select sum(BilledCost) from {LEDGER} where x_IsAiSpend")
    assert allocated + unallocated == billed
    assert unallocated > 0, "the legacy Slack bot's key belongs to nobody"


def test_every_story_month_is_complete_so_the_forecast_is_the_actual(demo_paths):
    rows = query(
        demo_paths.warehouse,
        f"""
        select budget_month, min(as_of_date), min(days_with_data = days_in_month),
            min(forecast_billed_cost = actual_billed_cost), count(*)
        from {BUDGETS}
        group by all
        order by budget_month
        """,
    )

    story_months = [date(2025, 11, 1), date(2025, 12, 1), *(date(2026, m, 1) for m in range(1, 11))]
    assert [r[0] for r in rows] == story_months
    assert {r[1] for r in rows} == {company.DEFAULT_END}
    assert all(r[2] and r[3] for r in rows)
    assert all(r[4] == 9 for r in rows), "eight teams with a budget, and unallocated without one"


def test_sales_overspends_on_seats_while_every_other_team_stays_within_budget(demo_paths):
    # Sales pays for five ChatGPT Enterprise seats ($300 a month) from the start, and three Microsoft
    # 365 Copilot seats from March, against a budget of $250 growing 5% a month.
    rows = query(
        demo_paths.warehouse,
        f"""
        select team_id, budget_month, is_budget_comparable, is_over_budget, budget_used_share,
            seat_and_other_billed_cost
        from {BUDGETS}
        order by team_id, budget_month
        """,
    )
    sales = {month: (over, share, seats) for team, month, _, over, share, seats in rows if team == "sales"}

    assert all(sales[date(2026, m, 1)][0] for m in range(1, 8))
    assert sales[date(2025, 11, 1)][0]
    assert sales[date(2025, 12, 1)][0]
    assert sales[date(2026, 3, 1)][1] > 1.2, "the Copilot seats arrive in March"
    assert sales[date(2026, 3, 1)][2] > Decimal(380)
    assert not sales[date(2026, 10, 1)][0], "the budget has outgrown the seats by October"
    others = [r for r in rows if r[0] not in ("sales", "unallocated")]
    assert others
    assert all(r[2] and not r[3] and r[4] < 0.8 for r in others)
    assert all(not r[2] and r[3] is None for r in rows if r[0] == "unallocated")


def test_the_planted_retry_loop_is_flagged_on_its_team_provider_and_day(demo_paths):
    [row] = query(
        demo_paths.warehouse,
        f"""
        select is_anomaly, score_method, robust_z_score, spend_vs_baseline, top_workflow_id,
            top_workflow_share, top_model_id, billed_cost, baseline_days
        from {ANOMALIES}
        where spend_date = ? and team_id = 'finance' and provider = 'anthropic'
        """,
        [LOOP.day],
    )
    is_anomaly, method, z, times_usual, workflow, share, model, billed, baseline_days = row
    [(ledger_billed,)] = query(
        demo_paths.warehouse,
        f"""
        select sum(BilledCost) from {LEDGER}
        where x_IsAiSpend and ChargeCategory = 'Usage' and x_TeamId = 'finance' and x_Provider = 'anthropic'
            and cast(ChargePeriodStart as date) = ?
        """,
        [LOOP.day],
    )
    [(loop_requests, usual_requests)] = query(
        demo_paths.warehouse,
        """
        select
            sum(case when spend_date = ? then requests end),
            median(case when spend_date < ? and dayofweek(spend_date) between 1 and 5 then requests end)
        from (
            select spend_date, sum(requests) as requests
            from marts.fct_daily_gateway_spend
            where workflow_id = ? and spend_date between ? - 28 and ?
            group by spend_date
        )
        """,
        [LOOP.day, LOOP.day, LOOP.workflow_id, LOOP.day, LOOP.day],
    )
    [(finance_top,)] = query(
        demo_paths.warehouse,
        f"select max(robust_z_score) from {ANOMALIES} where team_id = 'finance' and provider = 'anthropic'",
    )

    assert (is_anomaly, method, workflow, share) == (True, "mad", LOOP.workflow_id, 1.0)
    assert model == "claude-haiku-4-5"
    assert z > 8
    assert times_usual > 5
    assert z == finance_top, "the loop is finance's biggest spike of the year"
    assert billed == ledger_billed
    assert baseline_days == 28
    assert loop_requests >= 5 * usual_requests, "the gateway logged the loop's calls"


def test_few_other_days_are_flagged(demo_paths):
    # At 60 calls a day a team's provider spend is a handful of calls: one Claude Opus code review
    # costs several ordinary days of the engineering team's Anthropic spend, so a few lumpy days a
    # month pass 3.5 by chance (the cut-off assumes a normal tail; few calls give a heavier one). The
    # sample shows about 1 in 100 scored days; 2 in 100 would be a flag nobody reads.
    [(scored, flagged, drops, sparse)] = query(
        demo_paths.warehouse,
        f"""
        select
            count(robust_z_score),
            sum(case when is_anomaly then 1 else 0 end),
            sum(case when is_anomaly and robust_z_score <= 0 then 1 else 0 end),
            sum(case when score_method = 'sparse_baseline' and is_anomaly then 1 else 0 end)
        from {ANOMALIES}
        """,
    )
    dense = query(
        demo_paths.warehouse,
        f"""
        select team_id, provider, sum(case when is_anomaly then 1 else 0 end)
        from {ANOMALIES}
        where (team_id, provider) in (('support', 'openai'), ('sales', 'openai'), ('legal', 'anthropic'))
        group by all
        """,
    )

    assert scored > 1500
    assert 1 <= flagged <= 0.02 * scored
    assert drops == 0
    assert sparse == 0
    assert len(dense) == 3
    assert all(n <= 2 for _, _, n in dense), "the busiest series are the quietest"


def test_daily_spend_adds_up_to_the_ledgers_ai_usage_exactly(demo_paths):
    [(anomalies, ledger)] = query(
        demo_paths.warehouse,
        f"""
        select
            (select sum(billed_cost) from {ANOMALIES}),
            (select sum(BilledCost) from {LEDGER} where x_IsAiSpend and ChargeCategory = 'Usage')
        """,
    )

    assert anomalies == ledger


def test_the_example_queries_run_on_the_published_copy(demo_paths):
    budget_rows = query(demo_paths.serving, BUDGET_EXAMPLE)
    anomaly_rows = query(demo_paths.serving, ANOMALY_EXAMPLE)

    assert len(budget_rows) == 9
    assert (LOOP.day, "finance", "anthropic") in {r[:3] for r in anomaly_rows}
