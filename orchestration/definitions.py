"""The one Dagster Definitions object: raw sources and their validation, dbt models and tests (on the
DuckDB or the Spark target, chosen per run), the published copy, the schedule, the landing sensor and
the failure record."""

from __future__ import annotations

import os

import dagster as dg

from orchestration.defs.dashboard import dashboard_pages
from orchestration.defs.dbt import DbtTarget, aispend_dbt_assets, dbt_resource
from orchestration.defs.ingest import loader_records, price_catalogue, raw_source_assets
from orchestration.defs.publish import serving_copy
from orchestration.defs.schedules import daily_pipeline, daily_schedule, failure_record, landing_sensor
from orchestration.paths import DATA_DIR_VARIABLE, data_paths

# dbt runs as a subprocess and finds the warehouse through this variable.
os.environ[DATA_DIR_VARIABLE] = str(data_paths().root)

defs = dg.Definitions(
    assets=[
        *raw_source_assets,
        loader_records,
        price_catalogue,
        aispend_dbt_assets,
        serving_copy,
        *dashboard_pages,
    ],
    jobs=[daily_pipeline],
    schedules=[daily_schedule],
    sensors=[landing_sensor, failure_record],
    # The run's dbt target is chosen at launch (resources: dbt_target: config: target: spark).
    resources={"dbt": dbt_resource, "dbt_target": DbtTarget.configure_at_launch()},
)
