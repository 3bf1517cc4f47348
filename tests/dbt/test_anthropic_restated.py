"""dbt keeps the newest delivery of each Anthropic bucket, day and Claude Code record."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import duckdb

from ingest import anthropic_costs, anthropic_usage
from ingest.loader import ingest_landing
from orchestration.dbt import run_dbt
from tests.conftest import FIXTURES, query

AUG_1 = date(2025, 8, 1)
WORKSPACE = "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ"
MODELS = (
    "stg_anthropic_usage__bucket_results",
    "stg_anthropic_usage__claude_code_model_breakdowns",
    "stg_anthropic_costs__cost_items",
    "int_anthropic_usage_bucket_results_deduplicated",
    "int_anthropic_usage_claude_code_model_breakdowns_deduplicated",
    "int_anthropic_costs_cost_items_deduplicated",
)


def _build(paths, tmp_path) -> None:
    for source in ("anthropic_usage", "anthropic_costs"):
        shutil.copytree(FIXTURES / source, paths.landing / source)
    paths.root.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.warehouse)) as con:
        loads = ingest_landing(con, paths.landing, [*anthropic_usage.SPECS, anthropic_costs.SPEC])
    assert {load.status for load in loads} == {"loaded"}
    lines: list[str] = []
    code = run_dbt(
        "build", paths, ["--select", *MODELS, "--target-path", str(tmp_path / "target")], echo=lines.append
    )
    assert code == 0, "\n".join(lines[-40:])


def test_restated_pulls_replace_older_deliveries_and_keep_their_lineage(paths, tmp_path):
    _build(paths, tmp_path)

    usage = query(
        paths.warehouse,
        "select bucket_date, workspace_id, model, service_tier, uncached_input_tokens, cache_read_tokens, "
        "cache_write_tokens, output_tokens, source_file "
        "from intermediate.int_anthropic_usage_bucket_results_deduplicated order by all",
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
        paths.warehouse,
        "select count(*) from raw.anthropic_usage_messages where starting_at like '2025-08-01%'",
    ) == [(5,)]

    costs = query(
        paths.warehouse,
        "select bucket_date, workspace_id, description, amount_cents, billed_cost, billing_currency "
        "from intermediate.int_anthropic_costs_cost_items_deduplicated order by all",
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
        paths.warehouse,
        "select coalesce(actor_email, actor_api_key_name), model, output_tokens, estimated_cost, "
        "num_sessions, source_file "
        "from intermediate.int_anthropic_usage_claude_code_model_breakdowns_deduplicated order by all",
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
