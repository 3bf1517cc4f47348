"""The Dagster job runs the whole pipeline in-process, and the sensor notices new files."""

from __future__ import annotations

from decimal import Decimal

import dagster as dg

from orchestration.definitions import defs
from orchestration.defs.schedules import landing_sensor
from tests.conftest import land, query


def test_lineage_runs_from_the_raw_source_to_the_published_copy():
    graph = defs.resolve_asset_graph()
    staging = dg.AssetKey(["staging", "stg_litellm__requests"])

    assert graph.get(staging).parent_keys == {dg.AssetKey(["litellm", "spend_logs"])}
    assert (
        dg.AssetKey(["marts", "fct_daily_gateway_spend"])
        in graph.get(dg.AssetKey("serving_copy")).parent_keys
    )


def test_the_daily_job_ingests_builds_tests_and_publishes(paths):
    land(paths, "spend_logs_sample.jsonl")

    result = defs.resolve_job_def("daily_pipeline").execute_in_process()

    assert result.success
    checks = result.get_asset_check_evaluations()
    assert len(checks) > 10
    assert all(check.passed for check in checks)
    assert query(
        paths.serving, "select sum(requests), sum(gateway_cost_usd) from marts.fct_daily_gateway_spend"
    ) == [(6, Decimal("4.862725"))]


def test_sensor_requests_a_run_only_when_files_land_or_change(paths):
    land(paths, "spend_logs_sample.jsonl")
    context = dg.build_sensor_context(cursor=None)

    assert isinstance(landing_sensor(context), dg.RunRequest)
    assert isinstance(landing_sensor(dg.build_sensor_context(cursor=context.cursor)), dg.SkipReason)

    land(paths, "spend_logs_malformed.jsonl")
    again = landing_sensor(dg.build_sensor_context(cursor=context.cursor))
    assert isinstance(again, dg.RunRequest)
    assert again.tags["aispend/new_files"] == "1"
