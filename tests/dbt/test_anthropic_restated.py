"""dbt keeps the newest delivery of each Anthropic bucket, day and Claude Code record, even when the
newer delivery is smaller."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest

from ingest import anthropic_costs, anthropic_usage
from ingest.loader import ingest_landing
from orchestration.dbt import run_dbt
from orchestration.paths import DataPaths, data_paths
from tests.conftest import FIXTURES, query

AUG_1 = date(2025, 8, 1)
AUG_4 = date(2025, 8, 4)
WORKSPACE = "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ"
MODELS = (
    "stg_anthropic_usage__bucket_results",
    "stg_anthropic_usage__claude_code_model_breakdowns",
    "stg_anthropic_costs__cost_items",
    "int_anthropic_usage_bucket_results_deduplicated",
    "int_anthropic_usage_claude_code_model_breakdowns_deduplicated",
    "int_anthropic_costs_cost_items_deduplicated",
)
# Anthropic's cost report for 4 August, pulled on the 4th, then restated on the 5th with less output
# cost (a correction): amounts in cents, as the report sends them.
AUG_4_DELIVERIES = {
    "cost_report_2025-08-04T0600Z.json": {"input": "80.5", "output": "1200"},
    "cost_report_2025-08-05T0600Z.json": {"input": "80.5", "output": "950.2512345"},
}


def _cost_report(day: date, cents: dict[str, str]) -> str:
    """A cost report page of one day: Claude Sonnet 4 input and output tokens in one workspace."""
    template = json.loads((FIXTURES / "anthropic_costs" / "cost_report_2025-08-02T0600Z.json").read_text())
    bucket = template["data"][0]
    sonnet_input, sonnet_output = bucket["results"][:2]
    bucket.update(
        starting_at=f"{day}T00:00:00Z",
        ending_at=f"{day + timedelta(days=1)}T00:00:00Z",
        results=[{**sonnet_input, "amount": cents["input"]}, {**sonnet_output, "amount": cents["output"]}],
    )
    return json.dumps({**template, "data": [bucket]})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    """The Anthropic fixtures and two deliveries of 4 August loaded, then their models built by dbt."""
    paths = data_paths(tmp_path_factory.mktemp("anthropic_restated") / "data")
    for source in ("anthropic_usage", "anthropic_costs"):
        shutil.copytree(FIXTURES / source, paths.landing / source)
    for name, cents in AUG_4_DELIVERIES.items():
        (paths.landing / "anthropic_costs" / name).write_text(_cost_report(AUG_4, cents))
    with duckdb.connect(str(paths.warehouse)) as con:
        loads = ingest_landing(con, paths.landing, [*anthropic_usage.SPECS, anthropic_costs.SPEC])
    assert {load.status for load in loads} == {"loaded"}
    lines: list[str] = []
    target = tmp_path_factory.mktemp("target")
    code = run_dbt("build", paths, ["--select", *MODELS, "--target-path", str(target)], echo=lines.append)
    assert code == 0, "\n".join(lines[-40:])
    return paths


def test_restated_pulls_replace_older_deliveries_and_keep_their_lineage(built):
    usage = query(
        built.warehouse,
        "select bucket_date, workspace_id, model, service_tier, uncached_input_tokens, cache_read_tokens, "
        "cache_write_tokens, output_tokens, source_file "
        "from build_scratch.intermediate.int_anthropic_usage_bucket_results_deduplicated order by all",
    )
    assert [row[:8] for row in usage] == [
        (AUG_1, "default", "claude-haiku-4-5", "batch", 900, 0, 0, 250),
        (AUG_1, WORKSPACE, "claude-opus-4-6", "priority", 1500, 200, 1500, 500),
        (AUG_1, WORKSPACE, "claude-sonnet-4-5", "standard", 4000, 2000, 1600, 1500),
        (date(2025, 8, 2), WORKSPACE, "claude-sonnet-4-5", "standard", 700, 50, 100, 70),
        # Sent as 2025-08-03T02:00:00+02:00: midnight UTC.
        (date(2025, 8, 3), WORKSPACE, "claude-opus-4-6", "standard", 1500, 200, 1500, 500),
        (date(2025, 8, 5), WORKSPACE, "claude-sonnet-4-5", "standard", 10, 0, 0, 5),
    ]  # fmt: skip
    assert {row[8] for row in usage[:3]} == {"anthropic_usage/messages_2025-08-02T0600Z.json"}
    # Both deliveries stay in raw: five rows of 1 August, three of them kept.
    assert query(
        built.warehouse,
        "select count(*) from raw.anthropic_usage_messages where starting_at like '2025-08-01%'",
    ) == [(5,)]

    costs = query(
        built.warehouse,
        "select bucket_date, workspace_id, description, amount_cents, billed_cost, billing_currency "
        "from build_scratch.intermediate.int_anthropic_costs_cost_items_deduplicated "
        "where bucket_date <> ? order by all",
        [AUG_4],
    )
    cache_write = "Claude Haiku 4.5 Usage - Input Tokens (Cache Write 5m)"
    assert costs == [
        (AUG_1, "default", cache_write, Decimal("0.000125"), Decimal("0.00000125"), "USD"),
        (AUG_1, WORKSPACE, "Claude Sonnet 4 Usage - Input Tokens", Decimal("250.5"), Decimal("2.505"), "USD"),
        (AUG_1, WORKSPACE, "Claude Sonnet 4 Usage - Output Tokens", Decimal("2000"), Decimal("20"), "USD"),
        (AUG_1, WORKSPACE, "Web Search Usage", Decimal("30"), Decimal("0.3"), "USD"),
        (date(2025, 8, 5), WORKSPACE, "Claude Sonnet 4 Usage - Output Tokens", Decimal("10"), Decimal("0.1"),
         "USD"),
    ]  # fmt: skip

    claude_code = query(
        built.warehouse,
        "select coalesce(actor_email, actor_api_key_name), model, output_tokens, estimated_cost, "
        "num_sessions, source_file "
        "from build_scratch.intermediate.int_anthropic_usage_claude_code_model_breakdowns_deduplicated "
        "order by all",
    )
    assert claude_code == [
        ("ci-claude-code", "claude-sonnet-4-20250514", 800, Decimal("0.125"), 4,
         "anthropic_usage/claude_code_2025-08-08T1200Z.json"),
        ("user.one@example.com", "claude-3-5-haiku-20241022", 5680, Decimal("0.42"), None,
         "anthropic_usage/claude_code_2025-08-09T0600Z.json"),
        ("user.one@example.com", "claude-sonnet-4-20250514", 16000, Decimal("2.5"), 19,
         "anthropic_usage/claude_code_2025-08-09T0600Z.json"),
        ("user.two@example.com", None, 0, None, 1, "anthropic_usage/claude_code_2025-08-08T1200Z.json"),
    ]  # fmt: skip


def test_a_restatement_that_shrinks_a_days_total_replaces_it_exactly_and_keeps_the_older_delivery(built):
    older, newer = (f"anthropic_costs/{name}" for name in AUG_4_DELIVERIES)

    day = query(
        built.warehouse,
        "select count(*), sum(billed_cost), min(source_file), max(source_file) "
        "from build_scratch.intermediate.int_anthropic_costs_cost_items_deduplicated where bucket_date = ?",
        [AUG_4],
    )
    # 80.5 + 950.2512345 cents, to the last digit: the newer, smaller delivery alone.
    assert day == [(2, Decimal("10.307512345"), newer, newer)]
    assert query(
        built.warehouse,
        "select _file, count(*), sum(cast(amount as decimal(38, 10))) from raw.anthropic_costs_cost_report "
        "where starting_at like '2025-08-04%' group by _file order by _file",
    ) == [(older, 2, Decimal("1280.5")), (newer, 2, Decimal("1030.7512345"))]
    # Each restatement unit is counted once over the whole model.
    assert query(
        built.warehouse,
        "select count(*) = count(distinct cost_item_id) "
        "from build_scratch.intermediate.int_anthropic_costs_cost_items_deduplicated",
    ) == [(True,)]
