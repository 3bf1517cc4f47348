"""dbt builds the warehouse from landed files; its totals trace back to the files exactly."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest.sample import generate
from orchestration import pipeline
from orchestration.cli import main
from orchestration.dbt import run_dbt
from tests.conftest import DEMO_BUILD_OUTPUT, FIXTURES, land, query

MART = "marts.fct_daily_gateway_spend"


def _quiet(_line: str) -> None:
    return None


def test_dbt_build_runs_every_model_unit_test_and_data_test_on_generated_data(demo_paths):
    """`make test`'s dbt check: the whole project built and tested on a year of generated data."""
    output = (demo_paths.root / DEMO_BUILD_OUTPUT).read_text()
    [summary] = re.findall(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)", output)
    passed, warned, errored, skipped = map(int, summary)

    assert (warned, errored, skipped) == (0, 0, 0)
    assert passed > 550
    assert "unit_test" in output
    assert "sql table model marts.focus_cost_and_usage" in output


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

    pipeline.ingest(paths)
    selection = ["--select", f"+{MART.split('.')[1]}", "--exclude-resource-type", "unit_test"]
    assert run_dbt("build", paths, selection, echo=_quiet) == 0
    pipeline.publish_serving_copy(paths)

    assert query(paths.warehouse, "select count(*) from raw.litellm_spend_logs") == [(8,)]
    assert query(paths.serving, f"select sum(requests), sum(gateway_cost_usd) from {MART}") == [
        (6, Decimal("4.862725"))
    ]


# The models kept between builds: each one's key, and the columns that say when its rows were built
# (which a full refresh sets anew on every row).
INCREMENTAL_MODELS = {
    "marts.fct_daily_gateway_spend": ("daily_spend_id", "last_loaded_at"),
    "marts.fct_token_usage": ("usage_id", "last_loaded_at"),
    "marts.fct_seat_days": ("seat_day_id", "last_loaded_at"),
    "marts.fct_tasks": ("task_id", "built_at"),
    "intermediate.int_gateway_requests_allocated": ("request_id", "reference_loaded_at, _built_at"),
    "intermediate.int_telemetry_model_calls_matched": ("model_call_id", "gateway_loaded_at, _built_at"),
    "intermediate.int_task_outcomes_tasks_deduplicated": ("task_id", "_built_at"),
}


def test_an_incremental_run_equals_a_full_refresh(paths):
    # Three weeks, then two more days land: new days, restated buckets of the day before, a
    # re-delivered bill that no longer bills a day the first run saw, and a credentials file that
    # moves a key to another team a week back. The gateway's log of the last day lands a run
    # later than that day's traces, so its traced calls become seen by the gateway then; with it
    # come a bill re-delivered without the day before the re-delivered one, and the usage reports
    # pulled on the last day, which restate the day before it (the usage shares of its tasks).
    # Models and seeds only, and only the incremental models with what they read: the whole
    # project's models and tests are built and tested elsewhere.
    end = date(2026, 9, 20)
    last_day = end + timedelta(days=2)
    generate(paths.landing, days=21, requests_per_day=150, end=end)
    _ingest_and_build_incremental_models(paths)
    assert _billed_rows(paths, end) > 0
    generate(paths.landing, days=2, requests_per_day=150, end=last_day)
    _redeliver_cur_without(paths, end)
    moved_key = _move_key(paths, "svc-kb-answer", to_team="engineering", on=end - timedelta(days=7))
    late = [
        paths.landing / "litellm" / f"spend_logs_{last_day}.jsonl",
        paths.landing / "openai_usage" / f"completions_{last_day}T0600Z.json",
        paths.landing / "anthropic_usage" / f"messages_{last_day}T0600Z.json",
    ]
    held_back = [(file.rename(paths.root / file.name), file) for file in late]
    _ingest_and_build_incremental_models(paths)
    assert _calls_seen_by_gateway(paths, last_day) == 0
    for kept, file in held_back:
        kept.rename(file)
    _redeliver_cur_without(paths, end - timedelta(days=1), at="0600Z")
    _ingest_and_build_incremental_models(paths)
    assert _calls_seen_by_gateway(paths, last_day) > 0
    incremental = {model: _rows(paths, model, *how) for model, how in INCREMENTAL_MODELS.items()}

    _ingest_and_build_incremental_models(paths, "--full-refresh")

    for model, how in INCREMENTAL_MODELS.items():
        assert _rows(paths, model, *how) == incremental[model], f"{model} differs from a full refresh"
    assert query(paths.warehouse, "select max(spend_date) from marts.fct_daily_gateway_spend") == [
        (end + timedelta(days=2),)
    ]
    assert _billed_rows(paths, end) == 0
    assert query(
        paths.warehouse,
        "select usage_date >= ? as after_move, team_id, count(distinct usage_date) "
        "from marts.fct_token_usage where usage_source = 'gateway' and credential_id = ? "
        "group by all order by all",
        [end - timedelta(days=7), moved_key],
    ) == [(False, "support", 13), (True, "engineering", 10)]

    # A partition's run (or a backfill's range) rebuilds its days even when nothing new landed.
    inside, outside = end - timedelta(days=3), end - timedelta(days=10)
    daily_cost = (
        "select spend_date, sum(gateway_cost_usd) from marts.fct_daily_gateway_spend "
        "where spend_date in (?, ?) group by all order by all"
    )
    built = query(paths.warehouse, daily_cost, [outside, inside])
    with pipeline.warehouse_connection(paths) as con:
        con.execute(
            "update marts.fct_daily_gateway_spend set gateway_cost_usd = 0 where spend_date in (?, ?)",
            [inside, outside],
        )
    window = json.dumps({"rebuild_from": str(inside - timedelta(days=1)), "rebuild_to": str(inside)})
    _ingest_and_build_incremental_models(paths, "--vars", window)

    assert built[1][1] > 0
    assert query(paths.warehouse, daily_cost, [outside, inside]) == [(outside, 0), built[1]]


def _ingest_and_build_incremental_models(paths, *flags: str) -> None:
    pipeline.ingest(paths)
    models = " ".join(f"+{model.split('.')[1]}" for model in INCREMENTAL_MODELS)
    selection = ["--select", models, "--resource-type", "model", "--resource-type", "seed"]
    assert run_dbt("build", paths, [*selection, *flags], echo=_quiet) == 0


def _calls_seen_by_gateway(paths, day: date) -> int:
    [(calls,)] = query(
        paths.warehouse,
        "select count(*) from intermediate.int_telemetry_model_calls_matched "
        "where call_date = ? and is_seen_by_gateway",
        [day],
    )
    return calls


def _move_key(paths, name: str, to_team: str, on: date) -> str:
    """Land a newer credentials file in which the named key moves to another team on a day; return its id."""
    with (paths.landing / "reference" / "credentials.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    [key] = [row for row in rows if row["credential_name"] == name]
    moved = {**key, "team_id": to_team, "valid_from": f"{on}"}
    key["valid_to"] = f"{on}"
    with (paths.landing / "reference" / f"credentials_{on}.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*rows, moved])
    return key["credential_id"]


def _billed_rows(paths, day: date) -> int:
    """Token usage rows the AWS bill (Bedrock) holds for a day."""
    [(rows,)] = query(
        paths.warehouse,
        "select count(*) from marts.fct_token_usage "
        "where usage_source = 'billing' and provider = 'bedrock' and usage_date = ?",
        [day],
    )
    return rows


def _redeliver_cur_without(paths, day: date, at: str = "0500Z") -> None:
    """Re-deliver the month's newest AWS CUR 2.0 export at a later hour, without the day's lines."""
    newest = max((paths.landing / "aws_cur").rglob(f"BILLING_PERIOD={day:%Y-%m}/*.parquet"))
    table = pq.read_table(newest)
    usage_day = pc.cast(table["line_item_usage_start_date"], pa.date32())
    later = newest.with_name(re.sub(r"\d{4}Z", at, newest.name))
    assert later.name > newest.name
    pq.write_table(table.filter(pc.not_equal(usage_day, pa.scalar(day, pa.date32()))), later)


def _rows(paths, model: str, key: str, built_at: str) -> list[tuple]:
    return query(paths.warehouse, f"select * exclude ({built_at}) from {model} order by {key}")


def test_docs_show_the_lineage_from_sources_to_every_mart(demo_paths, monkeypatch, capsys):
    monkeypatch.setenv("AISPEND_DATA_DIR", str(demo_paths.root))

    assert main(["docs", "--no-serve"]) == 0

    assert f"dbt docs written to {demo_paths.docs}" in capsys.readouterr().out
    manifest = json.loads((demo_paths.docs / "manifest.json").read_text())
    catalog = json.loads((demo_paths.docs / "catalog.json").read_text())
    marts = {
        key
        for key, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    assert len(marts) >= 14
    assert marts <= set(catalog["nodes"])
    without_source = {mart for mart in marts if not _sources_upstream(manifest["parent_map"], mart)}
    assert without_source == set()
    assert manifest["parent_map"]["model.aispend.stg_litellm__requests"] == [
        "source.aispend.litellm.spend_logs"
    ]


def _sources_upstream(parent_map: dict[str, list[str]], node: str) -> set[str]:
    parents = parent_map.get(node, [])
    found = {parent for parent in parents if parent.startswith("source.")}
    for parent in parents:
        found |= _sources_upstream(parent_map, parent)
    return found
