"""fct_token_usage and fct_tasks agree with the landed files and with each other, to the token and cent."""

from __future__ import annotations

import csv
import json
from collections import Counter

from tests.conftest import query

TASKS = "marts.fct_tasks"
USAGE = "marts.fct_token_usage"
DIRECT_ROUTE_WORKFLOWS = ("ci_code_fix", "research_notebooks", "churn_scoring")


def _reported_tasks(landing) -> dict[str, tuple[str, str]]:
    """(workflow, outcome) of every task as last exported: files of a later day restate earlier ones."""
    latest: dict[str, tuple[str, str]] = {}
    files = sorted((landing / "task_outcomes").iterdir(), key=lambda p: (p.stem.rsplit("_", 1)[-1], p.name))
    for path in files:
        if path.suffix == ".jsonl":
            rows = [json.loads(line) for line in path.read_text().splitlines() if line]
        else:
            with path.open(newline="") as f:
                rows = list(csv.DictReader(f))
        for row in rows:
            latest[row["task_id"]] = (row["workflow_id"], row["outcome"].strip().lower())
    return latest


def test_tasks_per_workflow_and_outcome_match_the_outcome_files(demo_paths):
    expected = Counter(_reported_tasks(demo_paths.landing).values())

    rows = query(demo_paths.warehouse, f"select workflow_id, outcome, count(*) from {TASKS} group by all")

    assert Counter({(workflow, outcome): n for workflow, outcome, n in rows}) == expected
    assert sum(expected.values()) > 3000


def test_call_priced_tasks_cost_exactly_the_list_cost_of_their_calls(demo_paths):
    [(tasks_cost, calls_cost, attempts, calls)] = query(
        demo_paths.warehouse,
        f"""
        select
            (select sum(model_cost_usd) from {TASKS} where cost_basis = 'call_priced'),
            (select sum(list_cost_usd) from intermediate.int_gateway_requests_allocated
             where task_id is not null)
            + (select sum(list_cost_usd) from intermediate.int_telemetry_model_calls_matched
               where task_id is not null and not is_seen_by_gateway),
            (select sum(attempts) from {TASKS}),
            (select count(*) from intermediate.int_gateway_requests_allocated
             where task_id is not null)
            + (select count(*) from intermediate.int_telemetry_model_calls_matched
               where task_id is not null and not is_seen_by_gateway)
        """,
    )

    assert tasks_cost == calls_cost
    assert tasks_cost > 10
    assert attempts == calls


def test_direct_route_workflows_share_their_providers_usage_cost(demo_paths):
    rows = query(
        demo_paths.warehouse,
        f"""
        select workflow_id, cost_basis, count(*), sum(model_cost_usd)
        from {TASKS}
        where workflow_id in {DIRECT_ROUTE_WORKFLOWS}
        group by all
        """,
    )
    usage = dict(
        query(
            demo_paths.warehouse,
            f"""
            select workflow_id, sum(list_cost_usd)
            from {USAGE}
            where usage_source = case when provider = 'azure' then 'billing' else 'provider_usage' end
                and workflow_id in {DIRECT_ROUTE_WORKFLOWS}
                and usage_date >= (select min(started_date) from {TASKS})
            group by workflow_id
            """,
        )
    )

    shared_workflows = {workflow for workflow, basis, _, _ in rows if basis == "usage_share"}
    assert shared_workflows == set(DIRECT_ROUTE_WORKFLOWS)
    assert all(basis in ("usage_share", "unpriced") for _, basis, _, _ in rows)
    shared = {workflow: cost for workflow, basis, _, cost in rows if basis == "usage_share"}
    # Every task day had usage and every usage day in the window had tasks: the shares add up to the
    # usage, exactly. Month-to-date bills also hold the month's days before the window, which had no tasks.
    assert shared == usage


def test_gateway_plus_unseen_telemetry_counts_every_logged_call_once(demo_paths):
    [(gateway, seen, unseen)] = query(
        demo_paths.warehouse,
        f"""
        select
            sum(requests) filter (where usage_source = 'gateway'),
            sum(requests) filter (where usage_source = 'telemetry' and is_seen_by_gateway),
            sum(requests) filter (where usage_source = 'telemetry' and not is_seen_by_gateway)
        from {USAGE}
        """,
    )
    [(gateway_requests, kb_answer_requests, bedrock_spans)] = query(
        demo_paths.warehouse,
        """
        select
            (select count(*) from build_scratch.intermediate.int_gateway_requests_deduplicated),
            (select count(*) from intermediate.int_gateway_requests_allocated
             where workflow_id = 'kb_answer'),
            (select count(*) from build_scratch.intermediate.int_otel_genai_model_calls_deduplicated
             where provider = 'bedrock')
        """,
    )

    assert gateway == gateway_requests
    # kb_answer's spans are the gateway's own requests, failed ones included; the Bedrock bot's are not.
    assert seen == kb_answer_requests > 0
    assert unseen == bedrock_spans > 0


def test_provider_usage_on_the_gateways_credentials_is_the_gateways_traffic(demo_paths):
    tokens = "sum(uncached_input_tokens), sum(cache_read_tokens), sum(cache_write_tokens), " + (
        "sum(output_tokens + coalesce(reasoning_tokens, 0))"
    )
    gateway = query(
        demo_paths.warehouse,
        f"select provider, {tokens} from {USAGE} where usage_source = 'gateway' "
        "and provider in ('openai', 'anthropic') group by 1 order by 1",
    )
    reported = query(
        demo_paths.warehouse,
        f"select provider, {tokens} from {USAGE} where usage_source = 'provider_usage' "
        "and allocation_rule = 'gateway_traffic' group by 1 order by 1",
    )
    owners = query(
        demo_paths.warehouse,
        f"select distinct team_id, is_seen_by_gateway from {USAGE} "
        "where usage_source = 'provider_usage' and allocation_rule = 'gateway_traffic'",
    )

    assert reported == gateway
    assert len(gateway) == 2
    assert owners == [("platform", True)]
