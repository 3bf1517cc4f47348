"""Write what became of the sample company's tasks, as its business systems export them each day.

Every workflow's tasks are exported once a day. The support desk (ticket triage and
knowledge-base answers) exports a CSV of its tickets: naive UTC times, outcomes in title case,
no currency column (its values are USD). Every other workflow goes through the company's workflow
event bus, which writes JSON Lines with RFC 3339 times and a currency, except that the platform
team's incident tool sends epoch seconds. Values are the story's USD per task.

Outcomes change after the fact: a small share of tasks the model handled are re-sent a day or
two later as escalated, with more human minutes and half the value (someone had to step in).
A correction due after the last generated day is not written: that export has not happened yet.
"""

from __future__ import annotations

import calendar
import csv
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np

from ingest.sample import company
from ingest.sample.files import landing_atomically
from ingest.sample.traffic import DayTraffic

FOLDER = "task_outcomes"
SUPPORT_DESK_WORKFLOWS = frozenset(("ticket_triage", "kb_answer"))
EPOCH_SECONDS_WORKFLOWS = frozenset(("incident_summary",))
CSV_COLUMNS = ("task_id", "workflow_id", "outcome", "human_minutes", "value", "started_at", "completed_at")
# Share of succeeded tasks re-sent later as escalated.
CORRECTION_SHARE = 0.02
_STREAM = 7_311  # keeps this writer's random draws apart from other writers'


def _rfc3339(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _epoch_seconds(moment: datetime) -> int:
    return calendar.timegm(moment.timetuple())


class OutcomesWriter:
    """One JSON Lines file and one support-desk CSV of task outcomes a day, with later corrections."""

    folder = FOLDER

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.workflows = {w.workflow_id: w for w in company.WORKFLOWS}
        # Corrections waiting for the day their system re-sends them.
        self.pending: dict[date, list[dict]] = {}

    def add_day(self, con: duckdb.DuckDBPyConnection, day: date, traffic: DayTraffic, out_dir: Path) -> None:
        tasks = traffic.tasks.to_pylist()
        self._plan_corrections(day, tasks)
        rows = tasks + self.pending.pop(day, [])
        desk = [t for t in rows if t["workflow_id"] in SUPPORT_DESK_WORKFLOWS]
        bus = [t for t in rows if t["workflow_id"] not in SUPPORT_DESK_WORKFLOWS]
        folder = out_dir / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        if bus:
            with landing_atomically(folder / f"outcomes_{day:%Y-%m-%d}.jsonl") as partial:
                partial.write_text("".join(json.dumps(_bus_record(t)) + "\n" for t in bus))
        if desk:
            with landing_atomically(folder / f"support_desk_tickets_{day:%Y-%m-%d}.csv") as partial:
                partial.write_text(_desk_csv(desk))

    def finish(self, con: duckdb.DuckDBPyConnection, out_dir: Path, first_day: date, last_day: date) -> None:
        """Corrections due after the last day stay unwritten: their exports have not happened."""
        self.pending.clear()

    def _plan_corrections(self, day: date, tasks: list[dict]) -> None:
        """Pick the day's succeeded tasks that will be re-sent as escalated one or two days later."""
        rng = np.random.default_rng([self.seed, _STREAM, day.toordinal()])
        n = len(tasks)
        picked = rng.random(n) < CORRECTION_SHARE
        delay = rng.integers(1, 3, size=n)
        extra = rng.lognormal(0.0, 0.5, size=n)
        for i, task in enumerate(tasks):
            if not picked[i] or task["outcome"] != "succeeded":
                continue
            workflow = self.workflows[task["workflow_id"]]
            resent = day + timedelta(days=int(delay[i]))
            corrected = {
                **task,
                "outcome": "escalated",
                "human_minutes": round(task["human_minutes"] + workflow.human_minutes * 4 * extra[i], 1),
                "value_usd": round(workflow.value_usd / 2, 2),
                # The person who took over finished it on the day it was re-sent.
                "completed_at": task["completed_at"] + timedelta(days=int(delay[i])),
            }
            self.pending.setdefault(resent, []).append(corrected)


def _bus_record(task: dict) -> dict:
    """A task as the workflow event bus exports it."""
    finished = task["outcome"] != "abandoned"
    if task["workflow_id"] in EPOCH_SECONDS_WORKFLOWS:
        started: object = _epoch_seconds(task["started_at"])
        completed: object = _epoch_seconds(task["completed_at"]) if finished else None
    else:
        started = _rfc3339(task["started_at"])
        completed = _rfc3339(task["completed_at"]) if finished else None
    return {
        "task_id": task["task_id"],
        "workflow_id": task["workflow_id"],
        "outcome": task["outcome"],
        "human_minutes": task["human_minutes"],
        "value": task["value_usd"],
        "currency": "USD",
        "started_at": started,
        "completed_at": completed,
    }


def _desk_csv(tasks: list[dict]) -> str:
    """The support desk's ticket export: title-case outcomes, naive UTC times, USD values."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for t in tasks:
        finished = t["outcome"] != "abandoned"
        writer.writerow(
            [
                t["task_id"],
                t["workflow_id"],
                t["outcome"].title(),
                f"{t['human_minutes']:.1f}",
                f"{t['value_usd']:.2f}",
                f"{t['started_at']:%Y-%m-%d %H:%M:%S}",
                f"{t['completed_at']:%Y-%m-%d %H:%M:%S}" if finished else "",
            ]
        )
    return out.getvalue()
