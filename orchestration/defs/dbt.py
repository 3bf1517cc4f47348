"""The dbt project as Dagster assets, from its manifest; dbt tests appear as asset checks.

The dbt assets are partitioned by day. A partition's run rebuilds that day in the incremental
marts (one row per day: fct_token_usage, fct_daily_gateway_spend, fct_seat_days) besides the days
new files touched, and a backfill of a date range from the UI rebuilds the whole range in one dbt
call. The other models are tables rebuilt whole on every run, whatever the partition: one `dbt
build` keeps every test beside the models it reads (a test spanning a daily mart and a dimension
would otherwise fall between two dbt calls). A failed build never reaches the publish step, so the
published copy stays as it was.

Each run builds on the dbt target its `dbt_target` resource names (`duckdb`, the warehouse file, or
`spark`), set per run in the launchpad; its default is AISPEND_DBT_TARGET, else `duckdb`, so the
schedule and the sensor follow the deployment's choice.
"""

import json
import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Literal, get_args

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets
from filelock import FileLock
from pydantic import Field

from orchestration import pipeline
from orchestration.dbt import TARGET_VARIABLE, dbt_executable, remove_build_scratch, run_dbt
from orchestration.defs.retries import retry_when_busy
from orchestration.export_raw import export_raw
from orchestration.paths import DBT_PROJECT_DIR, DataPaths, data_paths
from orchestration.spark import SPARK_TARGET, create_spark_sources
from orchestration.unit_tests import remember_unit_tests, unit_test_args

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# `dagster dev` re-parses on every load; elsewhere the manifest must exist, so parse once if it does not.
# Under a lock: processes loading these definitions at once must each find a whole manifest.
dbt_project.prepare_if_dev()
target_folder = dbt_project.manifest_path.parent
target_folder.mkdir(parents=True, exist_ok=True)
with FileLock(target_folder / "parse.lock"):
    target = ["--target-path", str(target_folder)]
    if not dbt_project.manifest_path.exists() and run_dbt("parse", data_paths(), target, lambda _line: None):
        raise RuntimeError(f"dbt parse failed; see the log in {data_paths().logs}")

dbt_resource = DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())

DuckdbOrSpark = Literal["duckdb", "spark"]
DBT_TARGETS: tuple[str, ...] = get_args(DuckdbOrSpark)


def default_target(environ: Mapping[str, str] = os.environ) -> str:
    """The target a run builds unless its config names one: AISPEND_DBT_TARGET, else `duckdb`."""
    target = environ.get(TARGET_VARIABLE) or "duckdb"
    if target not in DBT_TARGETS:
        raise ValueError(f"{TARGET_VARIABLE}={target!r}: Dagster builds on {' or '.join(DBT_TARGETS)}")
    return target


class DbtTarget(dg.ConfigurableResource):
    """The dbt target a run builds, chosen per run: `duckdb` (the warehouse file) or `spark`.

    Set it in the launchpad under `resources: dbt_target: config: target: spark`; any other value is
    refused before the run starts. A Spark run exports the raw layer and registers it as Spark's dbt
    sources before `dbt build --target spark`, and publishes no serving copy (see `serving_copy`).
    """

    target: DuckdbOrSpark = Field(
        default=default_target(),
        description="dbt target to build: duckdb (the warehouse file) or spark (from the exported raw layer)",
    )

    @property
    def is_spark(self) -> bool:
        """Whether this run builds on Spark rather than in the DuckDB warehouse."""
        return self.target == SPARK_TARGET


# The newest partition is yesterday, the last complete day.
usage_days = dg.DailyPartitionsDefinition(start_date="2024-01-01")


def rebuild_vars(window: dg.TimeWindow) -> dict[str, str]:
    """dbt vars that rebuild every day of a partition window (its end is exclusive)."""
    last = window.end - timedelta(days=1)
    return {"rebuild_from": window.start.date().isoformat(), "rebuild_to": last.date().isoformat()}


def build_args(target: str, variables: dict[str, str]) -> list[str]:
    """Arguments of the run's `dbt build`: its target, always named, and the partition's rebuild vars.

    The target is passed even when it is `duckdb`, so an AISPEND_DBT_TARGET in Dagster's environment
    can never make dbt build elsewhere than the run's config says.
    """
    return ["build", "--target", target, "--vars", json.dumps(variables)]


def prepare_spark(paths: DataPaths, echo: Callable[[str], None]) -> None:
    """Export the raw layer to Parquet and register it as the Spark target's dbt sources."""
    export = export_raw(paths)
    echo(f"exported {export.rows} raw rows to {export.path} ({export.written} partitions written)")
    count = create_spark_sources(paths, export.path, echo)
    echo(f"registered {count} exported tables as Spark's dbt sources")


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
def aispend_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, dbt_target: DbtTarget):
    """Every dbt model, seed and test in one `dbt build` on the run's target; the daily marts rebuild
    the partition's days. On Spark the raw layer is exported and registered as sources first."""
    _warehouse_free(context)
    paths = data_paths()
    if dbt_target.is_spark:
        prepare_spark(paths, context.log.info)
    args = build_args(dbt_target.target, rebuild_vars(context.partition_time_window))
    # On DuckDB, unit tests that passed on this code before are left out (see `unit_tests`); Spark
    # runs them every time, as their passing on DuckDB says nothing of Spark's SQL.
    fingerprint, unit_tests = ("", []) if dbt_target.is_spark else unit_test_args(paths, context.log.info)
    invocation = dbt.cli(args + unit_tests, context=context)
    yield from invocation.stream()
    remove_build_scratch(paths)
    if fingerprint and not context.is_subset:
        remember_unit_tests(paths, fingerprint, invocation.target_path)
