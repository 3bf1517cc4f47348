"""The dbt project as Dagster assets, from its manifest; dbt tests appear as asset checks."""

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.dbt import dbt_executable, run_dbt
from orchestration.paths import DBT_PROJECT_DIR, data_paths

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# `dagster dev` re-parses on every load; elsewhere the manifest must exist, so parse once if it does not.
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists() and run_dbt("parse", data_paths(), echo=lambda _line: None) != 0:
    raise RuntimeError(f"dbt parse failed; see the log in {data_paths().logs}")

dbt_resource = DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project)
def aispend_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Every dbt model, seed and test of the project, run with `dbt build`."""
    yield from dbt.cli(["build"], context=context).stream()
