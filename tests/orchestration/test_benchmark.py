"""`aispend bench`: the figures' arithmetic, the table and the next day's files; nothing here is timed."""

from __future__ import annotations

import json
import re
from datetime import date

import duckdb
import pytest

from ingest.sample import generate
from orchestration.benchmark import Measurement, cut_litellm_file, run_worker
from orchestration.cli import cmd_bench_all, main, parser
from orchestration.page_benchmark import PageTiming, summarise
from orchestration.pipeline_benchmark import (
    BYTES_PER_REQUEST_TARGET,
    DEFAULT_SIZE,
    FULL_SIZE,
    MODULE,
    Check,
    GeneratedYear,
    StepRun,
    Storage,
    TableStorage,
    build_breakdown,
    bytes_per_request,
    disk_needed,
    format_table,
    generate_year,
    ingest_checks,
    land_next_day,
    measure_storage,
    node_kinds,
    parse_dbt_timings,
    pipeline_checks,
    storage_breakdown,
    storage_checks,
)
from tests.conftest import land

YEAR_END = date(2026, 10, 31)
# A date in a landed path: 2026-11-01, 20261101, 2026-11 (a billing period) or 202611.
DATE_IN_PATH = re.compile(r"(?<!\d)(20\d\d)-?(0[1-9]|1[0-2])(?:-?([0-3]\d))?(?!\d)")


def test_the_table_says_each_target_and_whether_it_was_met():
    lines = format_table(
        [
            Check("ratio", "1.20", "<= 1.5", True),
            Check("bytes per request", "208", "< 100", False),
            Check("serving copy", "530.0 MB"),
        ]
    )

    assert lines == [
        "| measure | value | target | met |",
        "|---|---|---|---|",
        "| ratio | 1.20 | <= 1.5 | yes |",
        "| bytes per request | 208 | < 100 | **no** |",
        "| serving copy | 530.0 MB | - |  |",
    ]


def _ingest(seconds: float, memory_mb: float) -> dict[str, Measurement]:
    return {
        "duckdb read_json": Measurement("duckdb read_json", 10.0, 400.0, 2_000_000),
        "aispend ingest": Measurement("aispend ingest", seconds, memory_mb, 2_000_000),
    }


def test_ingest_meets_its_targets_at_a_ratio_of_one_and_a_half_and_under_a_gigabyte():
    ratio, memory = ingest_checks(_ingest(15.0, 1023.0), 3_400_000_000)

    assert ratio.value == "1.50 (15.0 s / 10.0 s)"
    assert ratio.measure == "ingest a 2,000,000-row LiteLLM file (3.40 GB): aispend / DuckDB read_json"
    assert (ratio.met, memory.met) == (True, True)
    assert [c.met for c in ingest_checks(_ingest(15.1, 1024.0), 1)] == [False, False]


def _steps(*seconds: float) -> list[StepRun]:
    return [
        StepRun(step, s, 300.0 + s, "detail", {})
        for step, s in zip(("ingest", "validate", "build", "publish"), seconds, strict=True)
    ]


def test_the_incremental_run_is_measured_against_the_whole_full_run():
    checks = pipeline_checks(_steps(300, 100, 500, 100), _steps(10, 5, 80, 5))

    totals = {c.measure: c.value for c in checks if c.measure.endswith("total")}
    assert totals == {
        "full run: total": "1,000.0 s, peak 800 MB",
        "one more day: total": "100.0 s, peak 380 MB",
    }
    assert checks[-1] == Check("one more day / full run, time", "0.10 (100.0 s / 1,000.0 s)", "<= 0.1", True)
    assert not pipeline_checks(_steps(300, 100, 500, 100), _steps(10, 5, 81, 5))[-1].met


def test_bytes_per_gateway_request_is_the_warehouse_file_over_the_requests():
    storage = Storage(file_bytes=2_080_000_000, free_bytes=0, tables=())

    warehouse, serving = storage_checks(storage, serving_bytes=530_000_000, requests=10_000_000)

    assert bytes_per_request(2_080_000_000, 10_000_000) == 208
    assert warehouse == Check(
        "warehouse bytes per gateway request",
        "208 (2.08 GB / 10,000,000 requests)",
        f"< {BYTES_PER_REQUEST_TARGET}",
        False,
    )
    assert serving.value == "530.0 MB (53 bytes per request)"
    assert storage_checks(Storage(990_000_000, 0, ()), 1, 10_000_000)[0].met
    with pytest.raises(ValueError, match="no gateway requests"):
        bytes_per_request(1, 0)


def test_storage_adds_up_to_the_file_and_shows_the_largest_table_first(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.big as select range as id, md5(range::varchar) as h from range(300000)")
        con.execute("create table raw.small as select md5(range::varchar) as h from range(1000)")

    storage = measure_storage(database)

    assert [t.table for t in storage.tables] == ["raw.big", "raw.small"]
    assert storage.tables[0].rows == 300_000
    assert storage.tables[0].bytes > storage.tables[1].bytes > 0
    assert storage.metadata_bytes >= 0
    assert storage.free_bytes + storage.metadata_bytes + sum(t.bytes for t in storage.tables) == (
        database.stat().st_size
    )
    lines = storage_breakdown(storage, requests=300_000)
    assert lines[2].startswith("| raw.big | 300,000 |")
    assert lines[-1].startswith(f"| **file** |  | {database.stat().st_size / 1e6:,.1f} MB |")


def test_storage_breakdown_folds_the_smaller_tables_into_one_row():
    tables = tuple(TableStorage(f"raw.t{i}", 10, 1_000_000 - i) for i in range(5))

    lines = storage_breakdown(Storage(5_000_000, 0, tables), requests=1_000, largest=2)

    assert [line.split(" | ")[0] for line in lines[2:]] == [
        "| raw.t0",
        "| raw.t1",
        "| 3 other tables",
        "| free blocks (left by rewritten tables, reused by later writes)",
        "| catalogue and metadata",
        "| **file**",
    ]
    assert lines[4] == "| 3 other tables | 30 | 3.0 MB | 100,000 | 3,000.0 |"


def test_the_next_day_lands_only_new_files_all_dated_after_the_year(tmp_path):
    landing = tmp_path / "data" / "landing"
    generate(landing, days=3, requests_per_day=20, end=YEAR_END)
    year = {p: p.read_bytes() for p in landing.rglob("*") if p.is_file()}

    landed = land_next_day(landing, YEAR_END, requests_per_day=20)

    assert "litellm/spend_logs_2026-11-01.jsonl" in landed
    assert "task_outcomes/outcomes_2026-11-01.jsonl" in landed
    assert not any(path.startswith("reference/") for path in landed)
    for path in landed:
        dates = DATE_IN_PATH.findall(path)
        assert dates, path
        for year_, month, day in dates:
            assert (int(year_), int(month), int(day or 31)) > (2026, 10, 31), path
    assert {p: p.read_bytes() for p in year} == year
    assert sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file()) == sorted(
        [*(p.relative_to(landing).as_posix() for p in year), *landed]
    )
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["landing"]


def test_dbt_output_is_read_into_node_kinds_and_seconds():
    lines = [
        "00:36:47  1 of 9 START seed file main.models ........ [RUN]",
        "00:36:47  1 of 9 OK loaded seed file main.models ....... [INSERT 38 in 0.24s]",
        "00:36:48  2 of 9 OK created sql view model staging.stg_x ...... [OK in 0.10s]",
        "00:36:49  3 of 9 OK created sql table model marts.fct_tasks ..... [OK in 13.48s]",
        "00:36:49  4 of 9 OK created sql incremental model marts.fct_token_usage .. [OK in 7.22s]",
        "00:36:50  5 of 9 PASS unique_fct_tasks_task_id ............ [PASS in 0.50s]",
        "00:36:50  6 of 9 PASS not_null_fct_tasks_task_id ............ [PASS in 0.25s]",
        "00:36:51  7 of 9 PASS fct_tasks::tasks_cost_exactly ........ [PASS in 2.61s]",
        "00:36:51  Finished running 3 table models in 0 hours 2 minutes and 29.72 seconds (149.72s).",
    ]

    nodes = parse_dbt_timings(lines)

    assert [(n.kind, n.name, n.seconds) for n in nodes] == [
        ("seeds", "main.models", 0.24),
        ("view models", "staging.stg_x", 0.10),
        ("table models", "marts.fct_tasks", 13.48),
        ("incremental models", "marts.fct_token_usage", 7.22),
        ("data tests", "unique_fct_tasks_task_id", 0.50),
        ("data tests", "not_null_fct_tasks_task_id", 0.25),
        ("unit tests", "fct_tasks::tasks_cost_exactly", 2.61),
    ]
    assert list(node_kinds(nodes).items())[:2] == [
        ("table models", (1, 13.48)),
        ("incremental models", (1, 7.22)),
    ]
    assert node_kinds(nodes)["data tests"] == (2, 0.75)

    full = StepRun("build", 150.0, 500.0, "", {}, tuple(nodes), 20.0)
    breakdown = build_breakdown(full, full, slowest=1)
    assert "| start-up and parse | | 20.0 | | 20.0 |" in breakdown
    assert breakdown[-1] == "| marts.fct_tasks | table models | 13.48 | 13.48 |"


def test_cut_litellm_file_takes_the_first_rows_across_files(tmp_path):
    parts = []
    for day in (1, 2):
        parts.append(tmp_path / f"spend_logs_{day}.jsonl")
        parts[-1].write_text("".join(f'{{"day": {day}, "n": {n}}}\n' for n in range(3)))

    assert cut_litellm_file(parts, 4, tmp_path / "cut.jsonl") == 4
    assert (tmp_path / "cut.jsonl").read_text().splitlines()[-1] == '{"day": 2, "n": 0}'
    assert cut_litellm_file(parts, 10, tmp_path / "all.jsonl") == 6


def test_page_summary_is_the_median_and_95th_percentile():
    timing = PageTiming("overview", 11, [0.3, 0.1, 0.2, 0.9, 0.2], [1.0, 1.2, 1.1, 2.0, 1.0])

    s = summarise(timing)

    assert (s.page, s.queries, s.sql_median, s.sql_p95, s.run_median, s.run_p95) == (
        "overview",
        11,
        0.2,
        0.9,
        1.1,
        2.0,
    )


def test_bench_all_runs_the_default_size_unless_asked_for_the_full_one():
    default = parser().parse_args(["bench", "all"])
    full = parser().parse_args(["bench", "all", "--full", "--keep", "/tmp/bench", "--generated", "/tmp/year"])

    assert (default.handler, default.full, default.keep) == (cmd_bench_all, False, None)
    assert default.generated is None
    assert (full.full, full.keep, full.generated) == (True, "/tmp/bench", "/tmp/year")


def test_bench_all_refuses_a_keep_folder_that_holds_something(tmp_path, capsys):
    (tmp_path / "old.txt").write_text("earlier results")

    assert main(["bench", "all", "--keep", str(tmp_path)]) == 2
    assert f"error: {tmp_path} is not empty: give --keep a new or empty folder" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]


def _record_generated_year(folder, size, calls=190_000, tasks=5_000, seconds=27.5):
    (folder / "landing").mkdir(parents=True)
    key = {"calls_asked": size.calls, "days": 365, "end": "2026-10-31", "seed": 7}
    (folder / "generated.json").write_text(
        json.dumps(key | {"calls": calls, "tasks": tasks, "seconds": seconds})
    )


def test_a_generated_year_is_reused_by_a_run_of_the_same_size(tmp_path):
    _record_generated_year(tmp_path, FULL_SIZE, calls=9_999_001)
    said = []

    year = generate_year(FULL_SIZE, tmp_path, said.append)

    assert year == GeneratedYear(calls=9_999_001, tasks=5_000, seconds=27.5)
    assert said == [f"1/5 Reusing the year generated in {tmp_path / 'landing'} (9,999,001 calls)."]


def test_a_reused_year_needs_no_disk_for_its_landed_files():
    assert disk_needed(FULL_SIZE) == 10_000_000 * 3_200 + 2_000_000 * 2_500
    assert disk_needed(FULL_SIZE, year_generated=True) == 10_000_000 * 700 + 2_000_000 * 2_500


def test_a_generated_year_of_another_size_is_refused(tmp_path):
    _record_generated_year(tmp_path, DEFAULT_SIZE)

    with pytest.raises(
        ValueError, match=r"holds another generated year \(.*generated\.json\): give a new folder"
    ):
        generate_year(FULL_SIZE, tmp_path, lambda _line: None)


def test_an_interrupted_generation_is_refused_rather_than_measured(tmp_path):
    (tmp_path / "landing" / "litellm").mkdir(parents=True)

    with pytest.raises(ValueError, match=r"holds files but no generated\.json: give a new or empty folder"):
        generate_year(DEFAULT_SIZE, tmp_path, lambda _line: None)


def test_a_step_runs_in_its_own_process_and_reports_what_it_loaded(paths):
    land(paths, "spend_logs_sample.jsonl")

    result = run_worker(MODULE, ["ingest", str(paths.root)])

    assert result["rows"] == {"litellm": 6}
    assert result["detail"] == "1 file(s), 6 rows"
    assert result["peak_kb"] > 0
