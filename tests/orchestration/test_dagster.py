"""The Dagster job runs the whole pipeline in-process, checks included; the sensor notices new files."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal

import dagster as dg
import pytest

from orchestration import pipeline
from orchestration.definitions import defs
from orchestration.defs.dbt import rebuild_vars, usage_days
from orchestration.defs.retries import backoff_seconds
from orchestration.defs.schedules import daily_schedule, failure_record, landing_sensor
from tests.conftest import land, query
from tests.orchestration.test_validation import _sample_rows, bad_rows, land_rows

PARTITION = "2026-03-02"
SPEND_SQL = "select sum(requests), sum(gateway_cost_usd) from marts.fct_daily_gateway_spend"


def test_lineage_runs_from_the_raw_source_through_its_checks_and_the_published_copy_to_each_page():
    graph = defs.resolve_asset_graph()
    raw = dg.AssetKey(["litellm", "spend_logs"])
    staging = dg.AssetKey(["staging", "stg_litellm__requests"])
    daily = dg.AssetKey(["marts", "fct_daily_gateway_spend"])

    assert graph.get(staging).parent_keys == {raw}
    assert daily in graph.get(dg.AssetKey("serving_copy")).parent_keys
    assert graph.get(daily).partitions_def == usage_days
    assert graph.get(dg.AssetKey(["dashboard", "reconciliation"])).parent_keys >= {
        dg.AssetKey("serving_copy"),
        dg.AssetKey(["marts", "fct_expectation_results"]),
    }
    checks = {key.name: key for key in graph.asset_check_keys if key.asset_key == raw}
    assert {"no_rejected_files", "critical_expectations", "warning_expectations"} <= set(checks)
    assert graph.get_check_spec(checks["critical_expectations"]).blocking


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _checks(result: dg.ExecuteInProcessResult) -> dict[tuple[str, str], dg.AssetCheckEvaluation]:
    return {(c.asset_key.to_user_string(), c.check_name): c for c in result.get_asset_check_evaluations()}


def test_a_bad_file_fails_the_job_and_leaves_a_record_and_the_corrected_rerun_builds_without_duplicates(
    paths,
):
    """The whole job in-process, checks included: a failed run, then the rerun (one full dbt build)."""
    instance = dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("daily_pipeline")

    def run() -> dg.ExecuteInProcessResult:
        return job.execute_in_process(partition_key=PARTITION, raise_on_error=False, instance=instance)

    land(paths, "spend_logs_sample.jsonl")
    pipeline.ingest(paths)
    published = pipeline.publish_serving_copy(paths)
    before = _digest(paths.serving)
    land_rows(paths, bad_rows(), "spend_2026-03-04.jsonl")

    failed = run()

    assert not failed.success
    check = _checks(failed)[("litellm/spend_logs", "critical_expectations")]
    assert not check.passed
    failures = check.metadata["failures"].value
    assert "(request_id) is unique within each file" in failures
    assert "litellm/spend_2026-03-04.jsonl line 5: start_time=2099-03-01 09:20:46" in failures
    assert not failed.is_node_success("serving_copy")
    assert _digest(paths.serving) == before

    failure_record(
        dg.build_run_status_sensor_context(
            sensor_name="failure_record",
            dagster_instance=instance,
            dagster_run=failed.dagster_run,
            dagster_event=failed.get_run_failure_event(),
        ).for_run_failure()
    )
    [record] = [json.loads(p.read_text()) for p in paths.failures.glob("*.json")]
    assert record["run_id"] == failed.run_id
    assert "ingest_litellm" in record["step"]
    assert "critical_expectations" in record["error"]
    assert record["serving_copy_left_as_it_was"]["publish_id"] == published.publish_id

    rows = _sample_rows()
    for i, row in enumerate(rows):
        row["request_id"] = f"chatcmpl-corrected-{i}"
    land_rows(paths, rows, "spend_2026-03-04.jsonl")
    rerun = run()

    assert rerun.success
    checks = _checks(rerun)
    assert checks[("litellm/spend_logs", "critical_expectations")].passed
    assert checks[("litellm/spend_logs", "warning_expectations")].passed
    dbt_tests = [c for (_key, name), c in checks.items() if name.startswith(("not_null", "unique"))]
    assert len(dbt_tests) > 10
    assert all(c.passed for c in checks.values())
    assert query(paths.serving, SPEND_SQL) == [(12, Decimal("9.725450"))]
    assert query(paths.warehouse, "select count(*) from raw.litellm_spend_logs") == [(12,)]
    assert _digest(paths.serving) != before


def test_sensor_requests_a_run_for_the_newest_partition_only_when_files_land_or_change(paths):
    land(paths, "spend_logs_sample.jsonl")
    context = dg.build_sensor_context(cursor=None)

    first = landing_sensor(context)
    assert isinstance(first, dg.RunRequest)
    assert first.partition_key == usage_days.get_last_partition_key()
    assert isinstance(landing_sensor(dg.build_sensor_context(cursor=context.cursor)), dg.SkipReason)

    land(paths, "spend_logs_malformed.jsonl")
    again = landing_sensor(dg.build_sensor_context(cursor=context.cursor))
    assert isinstance(again, dg.RunRequest)
    assert again.tags["aispend/new_files"] == "1"


def test_each_morning_runs_yesterdays_partition():
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 11, 25, 6, 0))
    [request] = daily_schedule.evaluate_tick(context).run_requests

    assert request.partition_key == "2026-11-24"


def test_a_backfill_range_rebuilds_each_of_its_days_in_one_dbt_call():
    window = usage_days.time_window_for_partition_key("2026-06-01")
    ranged = dg.TimeWindow(window.start, usage_days.time_window_for_partition_key("2026-06-30").end)

    assert rebuild_vars(window) == {"rebuild_from": "2026-06-01", "rebuild_to": "2026-06-01"}
    assert rebuild_vars(ranged) == {"rebuild_from": "2026-06-01", "rebuild_to": "2026-06-30"}


@pytest.mark.parametrize(("retry", "seconds"), [(0, 15), (1, 30), (3, 120)])
def test_a_busy_warehouse_is_retried_with_exponential_backoff(retry, seconds):
    assert backoff_seconds(retry) == seconds
