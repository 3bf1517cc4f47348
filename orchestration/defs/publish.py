"""Publishing the serving copy, after the whole dbt build has passed."""

import dagster as dg

from orchestration import pipeline
from orchestration.defs.dbt import aispend_dbt_assets
from orchestration.paths import data_paths


@dg.asset(
    key="serving_copy",
    deps=list(aispend_dbt_assets.keys),
    group_name="serving",
    kinds={"duckdb"},
    description="The published copy (serving.duckdb) the dashboard and analysts read, replaced atomically.",
)
def serving_copy() -> dg.MaterializeResult:
    published = pipeline.publish_serving_copy(data_paths())
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published.path)),
            "publish_id": published.publish_id,
            "tables": dg.MetadataValue.md("\n".join(f"- `{t}`" for t in published.tables)),
        }
    )
