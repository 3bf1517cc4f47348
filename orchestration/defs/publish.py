"""Publishing the serving copy, after the whole dbt build has passed."""

import dagster as dg

from orchestration import pipeline
from orchestration.defs.dbt import DbtTarget, aispend_dbt_assets
from orchestration.paths import data_paths


@dg.asset(
    key="serving_copy",
    deps=list(aispend_dbt_assets.keys),
    group_name="serving",
    kinds={"duckdb"},
    description="The published copy (serving.duckdb) the dashboard and analysts read, replaced atomically.",
    output_required=False,
)
def serving_copy(context: dg.AssetExecutionContext, dbt_target: DbtTarget):
    """Publish the DuckDB warehouse's marts as serving.duckdb; on a Spark run, publish nothing.

    The serving copy is a copy of the DuckDB warehouse's marts. A run on the `spark` target built its
    marts in Spark's warehouse and left DuckDB's as they were, so republishing them would present
    stale numbers as new: the step logs why and ends without materialising, and the published copy
    (and its `publish_id`) stays as it was. Analysts of a Spark build read Spark's `marts` tables.
    """
    if dbt_target.is_spark:
        context.log.info(
            "This run built the dbt project on Spark; the serving copy holds the DuckDB warehouse's "
            "marts only, so it was left as it was. Read the Spark build's marts in Spark."
        )
        return
    published = pipeline.publish_serving_copy(data_paths())
    yield dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published.path)),
            "publish_id": published.publish_id,
            "tables": dg.MetadataValue.md("\n".join(f"- `{t}`" for t in published.tables)),
        }
    )
