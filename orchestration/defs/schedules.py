"""When the pipeline runs: every morning, and whenever new files land."""

import hashlib
import json

import dagster as dg

from ingest.loader import landed_files
from orchestration.paths import data_paths

daily_pipeline = dg.define_asset_job(
    "daily_pipeline",
    selection=dg.AssetSelection.all(),
    description="Ingest new files, build and test the warehouse with dbt, publish the serving copy.",
    # One process writes the warehouse at a time: DuckDB allows a single writer.
    executor_def=dg.in_process_executor,
)

daily_schedule = dg.ScheduleDefinition(
    name="daily_pipeline_schedule",
    job=daily_pipeline,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def landing_fingerprint() -> dict[str, str]:
    """Every complete landed file with its size and modification time."""
    landing = data_paths().landing
    return {
        path.relative_to(landing).as_posix(): f"{path.stat().st_size}:{path.stat().st_mtime_ns}"
        for path in landed_files(landing)
    }


@dg.sensor(job=daily_pipeline, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_sensor(context: dg.SensorEvaluationContext):
    """Start a run when files appear in, or change in, the landing folder."""
    current = landing_fingerprint()
    previous = json.loads(context.cursor) if context.cursor else {}
    changed = sorted(name for name, stamp in current.items() if previous.get(name) != stamp)
    if not changed:
        return dg.SkipReason("no new or changed files in the landing folder")
    context.update_cursor(json.dumps(current, sort_keys=True))
    run_key = hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()[:16]
    return dg.RunRequest(run_key=run_key, tags={"aispend/new_files": str(len(changed))})
