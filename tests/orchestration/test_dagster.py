"""The Dagster job runs the whole pipeline in-process, checks included; the sensor notices new files."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtCliResource

from orchestration import pipeline
from orchestration.definitions import defs
from orchestration.defs import dbt as dbt_defs
from orchestration.defs.dbt import (
    DbtTarget,
    aispend_dbt_assets,
    build_args,
    default_target,
    rebuild_vars,
    usage_days,
)
from orchestration.defs.publish import serving_copy
from orchestration.defs.retries import backoff_seconds
from orchestration.defs.schedules import daily_schedule, failure_record, landing_sensor
from orchestration.unit_tests import project_fingerprint, record_unit_tests_passed, unit_tests_passed_on
from tests.conftest import land, query
from tests.orchestration.test_validation import _sample_rows, bad_rows, land_rows

PARTITION = "2026-03-02"
PARTITION_WINDOW = usage_days.time_window_for_partition_key(PARTITION)
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
    paths, monkeypatch
):
    """The whole job in-process, checks included: a failed run, then the rerun (one full dbt build)."""
    instance = dg.DagsterInstance.ephemeral()
    dbt_calls, real_cli = [], DbtCliResource.cli
    monkeypatch.setattr(
        DbtCliResource,
        "cli",
        lambda dbt, args, **kwargs: dbt_calls.append(args) or real_cli(dbt, args, **kwargs),
    )
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
    assert dbt_calls == []

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
    # With no run config the build stays on DuckDB, named explicitly.
    rebuild = json.dumps(rebuild_vars(PARTITION_WINDOW))
    assert dbt_calls == [["build", "--target", "duckdb", "--vars", rebuild]]
    # The whole build passed its unit tests: the next leaves them out until the code changes.
    assert unit_tests_passed_on(paths, project_fingerprint())


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


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch, tmp_path) -> list[tuple]:
    """What the dbt assets did, in order, with the Spark steps and dbt itself replaced by recorders."""
    done: list[tuple] = []

    def export_raw(paths):
        done.append(("export_raw",))
        return SimpleNamespace(rows=0, written=0, path=paths.export / "raw")

    def create_spark_sources(_paths, root, _echo):
        done.append(("create_spark_sources", root))
        return 0

    def cli(_resource, args, context=None):
        done.append(("dbt", *args))
        return SimpleNamespace(stream=lambda: iter(()), target_path=tmp_path / "no-run-results")

    monkeypatch.setattr(dbt_defs, "export_raw", export_raw)
    monkeypatch.setattr(dbt_defs, "create_spark_sources", create_spark_sources)
    monkeypatch.setattr(DbtCliResource, "cli", cli)
    return done


def _run_dbt_assets(run_config: dict) -> dg.ExecuteInProcessResult:
    """The dbt assets alone, as the definitions wire their resources, with a launchpad's run config."""
    return dg.materialize(
        [aispend_dbt_assets],
        partition_key=PARTITION,
        resources=defs.resources,
        run_config=run_config,
        instance=dg.DagsterInstance.ephemeral(),
    )


def test_a_duckdb_run_leaves_out_the_unit_tests_that_passed_on_this_code(paths, steps):
    record_unit_tests_passed(paths, project_fingerprint())

    assert _run_dbt_assets({}).success

    rebuild = json.dumps(rebuild_vars(PARTITION_WINDOW))
    assert steps == [
        ("dbt", "build", "--target", "duckdb", "--vars", rebuild, "--exclude-resource-type", "unit_test")
    ]


def test_a_spark_run_exports_and_registers_the_raw_layer_before_it_builds_on_spark(paths, steps):
    spark = {"resources": {"dbt_target": {"config": {"target": "spark"}}}}
    # Passing on DuckDB says nothing of Spark: its unit tests run whatever DuckDB's record says.
    record_unit_tests_passed(paths, project_fingerprint())

    assert _run_dbt_assets(spark).success

    assert steps == [
        ("export_raw",),
        ("create_spark_sources", paths.export / "raw"),
        ("dbt", "build", "--target", "spark", "--vars", json.dumps(rebuild_vars(PARTITION_WINDOW))),
    ]


def test_a_target_other_than_duckdb_or_spark_is_refused_before_the_run_starts(paths, steps):
    with pytest.raises(dg.DagsterInvalidConfigError, match="not in enum type"):
        _run_dbt_assets({"resources": {"dbt_target": {"config": {"target": "trino"}}}})
    assert steps == []


def test_the_default_target_is_duckdb_unless_the_environment_names_one():
    assert default_target({}) == "duckdb"
    assert DbtTarget().target == "duckdb"
    assert default_target({"AISPEND_DBT_TARGET": "spark"}) == "spark"
    with pytest.raises(ValueError, match="Dagster builds on duckdb or spark"):
        default_target({"AISPEND_DBT_TARGET": "postgres"})
    assert build_args("spark", {}) == ["build", "--target", "spark", "--vars", "{}"]


def test_a_duckdb_run_publishes_the_serving_copy_and_a_spark_run_leaves_it_as_it_was(paths):
    paths.root.mkdir(parents=True)
    duckdb.connect(str(paths.warehouse)).close()

    on_duckdb = dg.materialize([serving_copy], resources={"dbt_target": DbtTarget(target="duckdb")})
    [published] = on_duckdb.get_asset_materialization_events()
    before = _digest(paths.serving)
    on_spark = dg.materialize([serving_copy], resources={"dbt_target": DbtTarget(target="spark")})

    assert published.asset_key == dg.AssetKey("serving_copy")
    assert on_spark.success
    assert on_spark.get_asset_materialization_events() == []
    assert _digest(paths.serving) == before
