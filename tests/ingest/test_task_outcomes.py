"""Loading task outcomes: JSON Lines and CSV exports, four time forms, quarantine, restatements."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from ingest import task_outcomes
from ingest.loader import ingest_landing
from ingest.sample.outcomes import OutcomesWriter
from ingest.sample.traffic import scale_for, simulate_day
from orchestration.dbt import run_dbt
from tests.conftest import FIXTURES, query

OUTCOMES = FIXTURES / "task_outcomes"


def _land(landing: Path, fixture: str, name: str | None = None) -> Path:
    target = landing / "task_outcomes" / (name or fixture)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((OUTCOMES / fixture).read_bytes())
    return target


def _ingest(database: Path, landing: Path):
    with duckdb.connect(str(database)) as con:
        return ingest_landing(con, landing, [task_outcomes.SPEC])


def test_json_lines_and_csv_exports_load_with_times_kept_as_sent(tmp_path):
    _land(tmp_path / "landing", "outcomes_2026-03-02.jsonl")
    _land(tmp_path / "landing", "support_desk_tickets_2026-03-02.csv")

    loads = {load.file: load for load in _ingest(tmp_path / "w.duckdb", tmp_path / "landing")}

    jsonl = loads["task_outcomes/outcomes_2026-03-02.jsonl"]
    csv = loads["task_outcomes/support_desk_tickets_2026-03-02.csv"]
    assert (jsonl.status, jsonl.rows_read, jsonl.rows_loaded, jsonl.extra_columns) == (
        "loaded",
        5,
        5,
        "reviewer_team",
    )
    assert (csv.status, csv.rows_read, csv.rows_loaded, csv.extra_columns) == ("loaded", 3, 3, None)
    assert query(
        tmp_path / "w.duckdb",
        "select count(*), sum(human_minutes), sum(value) from raw.task_outcomes_tasks",
    ) == [(8, Decimal("79.8"), Decimal("34.8"))]
    assert query(
        tmp_path / "w.duckdb",
        "select outcome, started_at, completed_at, currency from raw.task_outcomes_tasks "
        "where _file like '%.jsonl' order by _row_number",
    ) == [
        ("succeeded", "2026-03-02T09:20:46.847Z", "2026-03-02T09:25:00Z", "USD"),
        (" Escalated", "1772443246", "1772446846.5", "USD"),
        ("failed", "2026-03-02T11:20:46+02:00", None, None),
        ("ABANDONED", "3/2/2026", None, "eur"),
        ("succeeded", "2026-03-02 10:00:00", "2026-03-02 10:41:07.250000", "USD"),
    ]


def test_bad_rows_are_quarantined_with_their_line_and_reason(tmp_path):
    _land(tmp_path / "landing", "outcomes_malformed.jsonl")

    [load] = _ingest(tmp_path / "w.duckdb", tmp_path / "landing")

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 7, 2, 5)
    assert query(tmp_path / "w.duckdb", "select task_id from raw.task_outcomes_tasks order by 1") == [
        ("ticket_triage-20260303-000001",),
        ("ticket_triage-20260303-000007",),
    ]
    assert query(tmp_path / "w.duckdb", "select row_number, reason from ingest.quarantine order by 1") == [
        (2, "outcome is not one of succeeded, failed, escalated, abandoned"),
        (
            3,
            "started_at is not a time (RFC 3339, naive UTC 'YYYY-MM-DD HH:MM:SS', epoch seconds or M/D/YYYY)",
        ),
        (4, "human_minutes is negative: -3.0000000000"),
        (5, "missing required field task_id"),
        (6, "currency is not a three-letter ISO 4217 code"),
    ]


def test_broken_files_are_rejected_whole(tmp_path):
    folder = tmp_path / "landing" / "task_outcomes"
    folder.mkdir(parents=True)
    (folder / "tickets_without_ids.csv").write_text("ticket,status\nT-1,Succeeded\n")
    (folder / "all_wrong.jsonl").write_text(
        '{"task_id": "t1", "workflow_id": "w", "outcome": "done", "started_at": "2026-03-02T08:00:00Z"}\n'
        '{"task_id": "t2", "workflow_id": "w", "outcome": "succeeded", "started_at": "yesterday"}\n'
    )

    loads = {load.file: load for load in _ingest(tmp_path / "w.duckdb", tmp_path / "landing")}

    assert loads["task_outcomes/tickets_without_ids.csv"].error == (
        "missing required column(s) task_id, workflow_id, outcome, started_at; the header has: ticket, status"
    )
    assert loads["task_outcomes/all_wrong.jsonl"].error == (
        "none of its 2 records could be loaded as task_outcomes rows; first problem, line 1: "
        "outcome is not one of succeeded, failed, escalated, abandoned"
    )
    assert {load.status for load in loads.values()} == {"rejected"}
    assert query(tmp_path / "w.duckdb", "select count(*) from raw.task_outcomes_tasks") == [(0,)]
    assert query(tmp_path / "w.duckdb", "select count(*) from ingest.quarantine") == [(0,)]


def test_a_re_sent_task_restates_its_outcome(tmp_path, paths):
    _land(paths.landing, "outcomes_2026-03-02.jsonl")
    _land(paths.landing, "support_desk_tickets_2026-03-02.csv")
    _ingest(paths.warehouse, paths.landing)
    _land(paths.landing, "outcomes_2026-03-04.jsonl")
    _ingest(paths.warehouse, paths.landing)

    built = run_dbt(
        "build",
        paths,
        ["--select", "+int_task_outcomes_tasks_deduplicated", "--target-path", str(tmp_path / "target")],
        echo=lambda _line: None,
    )

    assert built == 0
    task = "kb_answer-20260302-000001"
    assert query(
        paths.warehouse,
        "select outcome from raw.task_outcomes_tasks where task_id = ? order by _loaded_at",
        [task],
    ) == [("succeeded",), ("escalated",)]
    assert query(
        paths.warehouse,
        "select outcome, human_minutes, task_value, completed_at::varchar, source_file "
        "from intermediate.int_task_outcomes_tasks_deduplicated where task_id = ?",
        [task],
    ) == [
        (
            "escalated",
            Decimal("14"),
            Decimal("2.25"),
            "2026-03-04 10:02:00",
            "task_outcomes/outcomes_2026-03-04.jsonl",
        )
    ]
    assert query(
        paths.warehouse,
        "select count(*), sum(human_minutes), sum(task_value), count(*) filter (where is_succeeded) "
        "from intermediate.int_task_outcomes_tasks_deduplicated",
    ) == [(9, Decimal("92.3"), Decimal("37.05"), 3)]
    # Every time form parsed to UTC once, in staging.
    assert query(
        paths.warehouse,
        "select task_id, outcome, started_at::varchar, task_value_currency "
        "from intermediate.int_task_outcomes_tasks_deduplicated "
        "where workflow_id in ('incident_summary', 'doc_summarisation', 'invoice_extraction') order by 1",
    ) == [
        ("doc_summarisation-20260302-000001", "failed", "2026-03-02 09:20:46", "USD"),
        ("incident_summary-20260302-000001", "escalated", "2026-03-02 09:20:46", "USD"),
        ("invoice_extraction-20260302-000001", "abandoned", "2026-03-02 00:00:00", "EUR"),
    ]


def _write_days(out: Path, seed: int, days: list[date]):
    scale = scale_for(300)
    traffic = {}
    writer = OutcomesWriter(seed)
    with duckdb.connect() as con:
        for day in days:
            traffic[day] = simulate_day(day, scale, seed)
            writer.add_day(con, day, traffic[day], out)
        writer.finish(con, out, days[0], days[-1])
    return traffic


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_writer_is_deterministic_re_sends_some_tasks_and_loads_clean(tmp_path):
    days = [date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3), date(2026, 6, 4)]
    traffic = _write_days(tmp_path / "a", 7, days)
    _write_days(tmp_path / "b", 7, days)
    _write_days(tmp_path / "c", 8, days)

    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")
    assert sorted(_digest(tmp_path / "a"))[:2] == ["outcomes_2026-06-01.jsonl", "outcomes_2026-06-02.jsonl"]
    assert len(_digest(tmp_path / "a")) == 8

    loads = _ingest(tmp_path / "w.duckdb", tmp_path / "a")

    assert {(load.status, load.rows_quarantined) for load in loads} == {("loaded", 0)}
    tasks = [t for day in traffic.values() for t in day.tasks.to_pylist()]
    [(rows, distinct, first_value, first_minutes)] = query(
        tmp_path / "w.duckdb",
        "select count(*), count(distinct task_id), "
        "sum(value) filter (where rn = 1), sum(human_minutes) filter (where rn = 1) "
        "from (select *, row_number() over (partition by task_id order by _loaded_at) as rn "
        "from raw.task_outcomes_tasks)",
    )
    assert distinct == len(tasks)
    assert 0 < rows - distinct < len(tasks) * 0.05, "a small share of tasks is re-sent"
    assert first_value == sum(Decimal(str(t["value_usd"])) for t in tasks)
    assert first_minutes == sum(Decimal(str(t["human_minutes"])) for t in tasks)
    # Re-sent tasks were succeeded and are now escalated, one or two days later, with more minutes.
    assert query(
        tmp_path / "w.duckdb",
        "select distinct lower(first.outcome), lower(last.outcome), last.human_minutes > first.human_minutes "
        "from raw.task_outcomes_tasks as first inner join raw.task_outcomes_tasks as last "
        "on first.task_id = last.task_id and first._loaded_at < last._loaded_at",
    ) == [("succeeded", "escalated", True)]
