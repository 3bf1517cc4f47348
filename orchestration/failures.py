"""A failed run leaves a record: a JSON file in the data folder, and an optional webhook call.

The webhook is off unless AISPEND_FAILURE_WEBHOOK holds a URL; aispend then POSTs the same JSON
to it (a Slack or Teams incoming webhook, an alerting endpoint). A webhook that cannot be reached
is noted in the record and never hides the failure itself.
"""

from __future__ import annotations

import json
import os
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.paths import DataPaths

WEBHOOK_VARIABLE = "AISPEND_FAILURE_WEBHOOK"
WEBHOOK_TIMEOUT_SECONDS = 10


def _serving_copy(paths: DataPaths) -> dict:
    """The published copy readers still see: its path and publish id, if there is one."""
    if not paths.serving.exists():
        return {"path": str(paths.serving), "publish_id": None}
    con = duckdb.connect(str(paths.serving), read_only=True)
    try:
        row = con.execute("select publish_id, published_at from meta.publish").fetchone()
    finally:
        con.close()
    return {"path": str(paths.serving), "publish_id": row[0], "published_at": str(row[1])}


def record_failure(paths: DataPaths, step: str, error: str, run_id: str | None = None) -> Path:
    """Write the failure record (and call the webhook when configured); return the record's path."""
    failed_at = datetime.now(UTC)
    record = {
        "failed_at": failed_at.isoformat(timespec="seconds"),
        "step": step,
        "error": error,
        "run_id": run_id,
        "data_dir": str(paths.root),
        "serving_copy_left_as_it_was": _serving_copy(paths),
    }
    webhook = os.environ.get(WEBHOOK_VARIABLE)
    if webhook:
        record["webhook"] = _call_webhook(webhook, record)
    paths.failures.mkdir(parents=True, exist_ok=True)
    path = paths.failures / f"{failed_at:%Y%m%dT%H%M%S}-{step}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, indent=2) + "\n")
    temporary.replace(path)
    return path


def _call_webhook(url: str, record: dict) -> str:
    request = urllib.request.Request(  # noqa: S310 - the operator configures the URL
        url,
        data=json.dumps(record).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            return f"delivered (HTTP {response.status})"
    except OSError as exc:
        return f"not delivered: {exc}"
