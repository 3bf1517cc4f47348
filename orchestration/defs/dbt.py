"""The dbt project as Dagster assets, from its manifest; dbt tests appear as asset checks.

The dbt assets are partitioned by day. A partition's run rebuilds that day in the incremental
marts (one row per day: fct_token_usage, fct_daily_gateway_spend, fct_seat_days) besides the days
new files touched, and a backfill of a date range from the UI rebuilds the whole range in one dbt
call. The other models are tables rebuilt whole on every run, whatever the partition: one `dbt
build` keeps every test beside the models it reads (a test spanning a daily mart and a dimension
would otherwise fall between two dbt calls). A failed build never reaches the publish step, so the
published copy stays as it was.
"""

import json
from datetime import timedelta

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration import pipeline
from orchestration.dbt import dbt_executable, run_dbt
from orchestration.defs.retries import retry_when_busy
from orchestration.paths import DBT_PROJECT_DIR, data_paths

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# `dagster dev` re-parses on every load; elsewhere the manifest must exist, so parse once if it does not.
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists() and run_dbt("parse", data_paths(), echo=lambda _line: None) != 0:
    raise RuntimeError(f"dbt parse failed; see the log in {data_paths().logs}")

dbt_resource = DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())

# The newest partition is yesterday, the last complete day.
usage_days = dg.DailyPartitionsDefinition(start_date="2024-01-01")


def rebuild_vars(window: dg.TimeWindow) -> dict[str, str]:
    """dbt vars that rebuild every day of a partition window (its end is exclusive)."""
    last = window.end - timedelta(days=1)
    return {"rebuild_from": window.start.date().isoformat(), "rebuild_to": last.date().isoformat()}


def _warehouse_free(context: dg.AssetExecutionContext) -> None:
    # dbt would fail on a warehouse another process holds; that is worth a retry, a failing test is not.
    with retry_when_busy(context), pipeline.warehouse_connection(data_paths()):
        pass


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    partitions_def=usage_days,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def aispend_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Every dbt model, seed and test in one `dbt build`; the daily marts rebuild the partition's days."""
    _warehouse_free(context)
    variables = json.dumps(rebuild_vars(context.partition_time_window))
    yield from dbt.cli(["build", "--vars", variables], context=context).stream()
