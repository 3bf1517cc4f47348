"""dbt builds the warehouse from landed files; its totals trace back to the files exactly."""

from __future__ import annotations

import json
from decimal import Decimal

from orchestration import pipeline
from orchestration.dbt import run_dbt
from tests.conftest import FIXTURES, land, query

MART = "marts.fct_daily_gateway_spend"


def _quiet(_line: str) -> None:
    return None


def test_mart_totals_equal_the_landed_files_to_the_cent(demo_paths):
    raw = query(
        demo_paths.warehouse,
        "select count(*), sum(cast(spend as decimal(38, 10))), sum(prompt_tokens + completion_tokens) "
        "from raw.litellm_spend_logs",
    )
    mart = query(
        demo_paths.serving,
        f"select sum(requests), sum(gateway_cost_usd), sum(uncached_input_tokens + cache_read_tokens "
        f"+ cache_write_tokens + output_tokens + reasoning_tokens) from {MART}",
    )
    assert mart == raw
    assert raw[0][0] > 5000


def test_spend_without_a_team_is_unallocated_not_dropped(demo_paths):
    [(unallocated, total)] = query(
        demo_paths.serving,
        f"select sum(gateway_cost_usd) filter (where team_id = 'unallocated'), sum(gateway_cost_usd) "
        f"from {MART}",
    )
    # The sample company's legacy Slack bot uses a key that belongs to no team.
    assert 0 < unallocated < total * Decimal("0.1")


def test_a_request_exported_twice_is_counted_once(paths):
    land(paths, "spend_logs_sample.jsonl")
    overlap = [
        json.loads(line) for line in (FIXTURES / "spend_logs_sample.jsonl").read_text().splitlines()[:2]
    ]
    overlap[0]["cache_key"] = "re-exported"  # different bytes, same request
    (paths.landing / "litellm" / "overlapping_export.jsonl").write_text(
        "\n".join(json.dumps(r) for r in overlap)
    )

    pipeline.run(paths, echo=_quiet)

    assert query(paths.warehouse, "select count(*) from raw.litellm_spend_logs") == [(8,)]
    assert query(paths.serving, f"select sum(requests), sum(gateway_cost_usd) from {MART}") == [
        (6, Decimal("4.862725"))
    ]


def test_an_incremental_run_equals_a_full_refresh(paths):
    land(paths, "spend_logs_sample.jsonl")
    pipeline.run(paths, echo=_quiet)
    land(paths, "spend_logs_malformed.jsonl")
    pipeline.run(paths, echo=_quiet)
    incremental = query(
        paths.warehouse, f"select * exclude (last_loaded_at) from {MART} order by daily_spend_id"
    )

    assert run_dbt("build", paths, ["--full-refresh"], echo=_quiet) == 0

    assert (
        query(paths.warehouse, f"select * exclude (last_loaded_at) from {MART} order by daily_spend_id")
        == incremental
    )
    assert sum(row[6] for row in incremental) == 9


def test_docs_generate_describes_the_lineage(demo_paths, tmp_path):
    target = tmp_path / "docs"

    assert run_dbt("docs generate", demo_paths, ["--target-path", str(target)], echo=_quiet) == 0

    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    assert manifest["parent_map"]["model.aispend.stg_litellm__requests"] == [
        "source.aispend.litellm.spend_logs"
    ]
    assert "model.aispend.fct_daily_gateway_spend" in catalog["nodes"]
