"""When the pipeline runs: every morning, whenever new files land, and what a failed run leaves."""

import hashlib
import json

import dagster as dg

from ingest.loader import landed_files
from orchestration.defs.dbt import usage_days
from orchestration.failures import record_failure
from orchestration.paths import data_paths

daily_pipeline = dg.define_asset_job(
    "daily_pipeline",
    selection=dg.AssetSelection.all(),
    partitions_def=usage_days,
    description="Ingest and validate new files, build and test the warehouse with dbt, publish.",
    # One process writes the warehouse at a time: DuckDB allows a single writer.
    executor_def=dg.in_process_executor,
)

# Each morning's run is the partition of the day before: new files, plus that day rebuilt.
daily_schedule = dg.build_schedule_from_partitioned_job(
    daily_pipeline,
    name="daily_pipeline_schedule",
    hour_of_day=6,
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
    """Start a run (for the newest partition) when files appear in, or change in, the landing folder."""
    current = landing_fingerprint()
    previous = json.loads(context.cursor) if context.cursor else {}
    changed = sorted(name for name, stamp in current.items() if previous.get(name) != stamp)
    if not changed:
        return dg.SkipReason("no new or changed files in the landing folder")
    context.update_cursor(json.dumps(current, sort_keys=True))
    run_key = hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()[:16]
    return dg.RunRequest(
        run_key=run_key,
        partition_key=usage_days.get_last_partition_key(),
        tags={"aispend/new_files": str(len(changed))},
    )


@dg.run_failure_sensor(monitored_jobs=[daily_pipeline], default_status=dg.DefaultSensorStatus.RUNNING)
def failure_record(context: dg.RunFailureSensorContext):
    """Write the failed run's record into the data folder (and call the webhook, if configured)."""
    steps = [event.step_key for event in context.get_step_failure_events() if event.step_key]
    errors = [
        event.event_specific_data.error.message.strip()
        for event in context.get_step_failure_events()
        if event.event_specific_data and event.event_specific_data.error
    ]
    record_failure(
        data_paths(),
        step=",".join(steps) or "run",
        error="\n".join(errors) or context.failure_event.message or "the run failed",
        run_id=context.dagster_run.run_id,
    )
