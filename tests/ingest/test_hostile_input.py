"""A corpus of broken and hostile files, each with the outcome it must have.

Every case lands in one data folder; one ingest and one validation run over all of them. Each
file must end exactly as its case says: loaded, loaded with rows quarantined (reason given), loaded
with schema drift recorded, rejected whole (reason given), blocked by a critical expectation,
warned, recorded as a duplicate, or skipped as still being written. Nothing may crash, and every
row read is either loaded or quarantined.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest

from app.tables import csv_bytes
from orchestration import pipeline
from orchestration.paths import DataPaths, data_paths
from tests.conftest import FIXTURES, query

LITELLM = [json.loads(line) for line in (FIXTURES / "spend_logs_sample.jsonl").read_text().splitlines()]
TASKS_CSV = (FIXTURES / "task_outcomes" / "support_desk_tickets_2026-03-02.csv").read_text()
COSTS_JSON = (FIXTURES / "openai_costs" / "costs_2026-10-31T0600Z.json").read_text()
ANTHROPIC_COSTS = FIXTURES / "anthropic_costs" / "cost_report_2025-08-02T0600Z.json"


def _jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def _litellm(case: str, **changes_by_line: dict) -> bytes:
    """The sample's rows with unique ids for this case, and some lines changed (line_2={...})."""
    rows = [{**row, "request_id": f"{row['request_id']}-{case}"} for row in LITELLM]
    for key, change in changes_by_line.items():
        rows[int(key.removeprefix("line_")) - 1].update(change)
    return _jsonl(rows)


def _tasks(case: str, header: str | None = None, sep: str = ",", extra_row: str = "") -> str:
    lines = TASKS_CSV.splitlines()
    body = [line.replace("20260302-", f"20260302{case}-") for line in lines[1:]]
    return (
        "\n".join([header or lines[0], *body, *([extra_row] if extra_row else [])]).replace(",", sep) + "\n"
    )


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    content: Callable[[], bytes]
    outcome: str
    detail: str = ""


def _big_line() -> bytes:
    row = {**LITELLM[0], "request_id": "chatcmpl-huge", "padding": "x" * 10_000_000}
    return _jsonl([row, {**LITELLM[1], "request_id": "chatcmpl-after-huge"}])


CASES = [
    Case("clean control", "litellm/control.jsonl", lambda: _litellm("control"), "loaded"),
    Case("gzipped control", "litellm/control_gz.jsonl.gz", lambda: gzip.compress(_litellm("gz")), "loaded"),
    Case(
        "truncated gzip",
        "litellm/truncated.jsonl.gz",
        lambda: gzip.compress(_litellm("trunc"))[:-40],
        "rejected",
        "Compressed file ended before the end-of-stream marker",
    ),
    Case("empty file", "litellm/empty.jsonl", lambda: b"", "rejected", "the file is empty"),
    Case("byte-order mark", "litellm/bom.jsonl", lambda: b"\xef\xbb\xbf" + _litellm("bom"), "loaded"),
    Case(
        "byte-order mark on a CSV header",
        "task_outcomes/bom_2026-03-02.csv",
        lambda: b"\xef\xbb\xbf" + _tasks("bom").encode(),
        "loaded",
    ),
    Case(
        "windows line endings",
        "litellm/crlf.jsonl",
        lambda: _litellm("crlf").replace(b"\n", b"\r\n"),
        "loaded",
    ),
    Case(
        "semicolon delimiter",
        "task_outcomes/semicolons_2026-03-02.csv",
        lambda: _tasks("semi", sep=";").encode(),
        "loaded",
    ),
    Case(
        "rows with more fields than the header",
        "task_outcomes/ragged_2026-03-02.csv",
        lambda: _tasks(
            "ragged", extra_row="ticket_triage-ragged,ticket_triage,Succeeded,1,1,2026-03-02,x,y,z"
        ).encode(),
        "quarantined",
        "expected 7 cells, found 9",
    ),
    Case(
        "UTF-16 text",
        "task_outcomes/utf16_2026-03-02.csv",
        lambda: _tasks("u16").encode("utf-16"),
        "rejected",
        "the header row is not UTF-8 text",
    ),
    Case(
        "Latin-1 bytes in a text field",
        "task_outcomes/latin1_2026-03-02.csv",
        lambda: _tasks("lat1", extra_row="caf\xe9-1,ticket_triage,Succeeded,1,1,2026-03-02 09:00:00,").encode(
            "latin-1"
        ),
        "quarantined",
        "row is not valid UTF-8",
    ),
    Case("a 10 MB single line", "litellm/huge_line.jsonl", _big_line, "drift", "padding"),
    Case(
        "a line that is not JSON",
        "litellm/garbled.jsonl",
        lambda: _litellm("garbled") + b'{"request_id": "chatcmpl-cut", "spend": 0.1\n',
        "quarantined",
        "not a JSON object",
    ),
    Case(
        "the same row twice",
        "litellm/duplicated_row.jsonl",
        lambda: _litellm("dup") + _jsonl([{**LITELLM[0], "request_id": f"{LITELLM[0]['request_id']}-dup"}]),
        "blocked",
        "unique within each file",
    ),
    Case(
        "a timestamp in the future",
        "litellm/future.jsonl",
        lambda: _litellm("future", line_2={"startTime": "2099-01-01 00:00:00"}),
        "blocked",
        "start_time is between 2015-01-01",
    ),
    Case(
        "a timestamp before 2015",
        "litellm/ancient.jsonl",
        lambda: _litellm("ancient", line_2={"startTime": "2009-06-01 00:00:00"}),
        "blocked",
        "start_time is between 2015-01-01",
    ),
    Case(
        "negative tokens",
        "litellm/negative_tokens.jsonl",
        lambda: _litellm("negtok", line_3={"prompt_tokens": -5}),
        "quarantined",
        "prompt_tokens is negative",
    ),
    Case(
        "NaN tokens",
        "litellm/nan_tokens.jsonl",
        lambda: _litellm("nantok", line_3={"completion_tokens": "NaN"}),
        "quarantined",
        "completion_tokens is not a valid bigint",
    ),
    Case(
        "fractional tokens",
        "litellm/fractional_tokens.jsonl",
        lambda: _litellm("fractok", line_3={"completion_tokens": 10.5}),
        "quarantined",
        "completion_tokens is not a valid bigint",
    ),
    Case(
        "tokens beyond BIGINT",
        "litellm/overflow_tokens.jsonl",
        lambda: _litellm("overflow", line_3={"total_tokens": "1e30"}),
        "quarantined",
        "total_tokens is not a valid bigint",
    ),
    Case(
        "negative money",
        "litellm/negative_spend.jsonl",
        lambda: _litellm("negspend", line_4={"spend": -0.25}),
        "quarantined",
        "spend is negative",
    ),
    Case(
        "NaN money",
        "litellm/nan_spend.jsonl",
        lambda: _litellm("nanspend", line_4={"spend": "NaN"}),
        "quarantined",
        "spend is not a finite number",
    ),
    Case(
        "money as text",
        "litellm/text_spend.jsonl",
        lambda: _litellm("textspend", line_4={"spend": "twelve dollars"}),
        "quarantined",
        "spend is not a valid double",
    ),
    Case(
        "unknown currency",
        "openai_costs/costs_2026-10-30T0600Z.json",
        lambda: COSTS_JSON.replace('"usd"', '"usx"', 1).encode(),
        "blocked",
        "ISO 4217",
    ),
    Case(
        "a new vendor value",
        "litellm/new_call_type.jsonl",
        lambda: _litellm("newcall", line_1={"call_type": "avideo_generation"}),
        "warned",
        "call_type is a value aispend knows",
    ),
    Case(
        "a file in the wrong folder",
        "litellm/costs_2026-10-31T0600Z.json",
        lambda: COSTS_JSON.encode(),
        "rejected",
        "none of its",
    ),
    Case(
        "a folder that is not a source",
        "downloads/spend.jsonl",
        lambda: _litellm("unknownfolder"),
        "rejected",
        "is not a source",
    ),
    Case(
        "extra columns",
        "litellm/extra_columns.jsonl",
        lambda: _jsonl(
            [
                {**row, "region": "eu-west-1"}
                for row in json.loads(f"[{_litellm('extra').decode().strip().replace(chr(10), ',')}]")
            ]
        ),
        "drift",
        "region",
    ),
    Case(
        "a required column missing",
        "task_outcomes/no_outcome_2026-03-02.csv",
        lambda: "\n".join(
            ",".join(line.split(",")[:2] + line.split(",")[3:]) for line in _tasks("noout").splitlines()
        ).encode(),
        "rejected",
        "missing required column(s) outcome",
    ),
    Case(
        "an optional column missing",
        "task_outcomes/no_value_2026-03-02.csv",
        lambda: "\n".join(
            ",".join(line.split(",")[:4] + line.split(",")[5:]) for line in _tasks("noval").splitlines()
        ).encode(),
        "loaded",
    ),
    Case(
        "formula-looking cells",
        "task_outcomes/formulas_2026-03-02.csv",
        lambda: _tasks(
            "formula", extra_row="=cmd|' /C calc'!A0,ticket_triage,Succeeded,1,1,2026-03-02 09:00:00,"
        ).encode(),
        "loaded",
    ),
    Case(
        "an HTML error page saved as JSON",
        "openai_costs/costs_2026-10-29T0600Z.json",
        lambda: b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        "rejected",
        "not valid JSON",
    ),
    Case(
        "binary garbage",
        "litellm/garbage.jsonl",
        lambda: bytes(range(256)) * 64,
        "rejected",
        "not JSON Lines text: line 3 holds binary bytes that are not UTF-8",
    ),
    # Lands after the delivery it restates (landed by the fixture) and loads like any other, neither
    # refused nor blocked for being smaller; tests/dbt/test_anthropic_restated.py proves that dbt then
    # counts the smaller amount alone and keeps the older delivery in raw.
    Case(
        "a restatement that shrinks a total",
        "anthropic_costs/cost_report_2025-08-03T0600Z.json",
        lambda: ANTHROPIC_COSTS.read_bytes().replace(b'"amount": "2000"', b'"amount": "1500"'),
        "loaded",
    ),
    Case("a file still being written", "litellm/incoming.jsonl.part", lambda: _litellm("part"), "skipped"),
    Case("a hidden file", "litellm/.DS_Store", lambda: b"\x00\x00\x00\x01Bud1", "skipped"),
]


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    """Every case landed in one data folder, then one ingest and one validation."""
    paths = data_paths(tmp_path_factory.mktemp("hostile") / "data")
    for case in CASES:
        target = paths.landing / case.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(case.content())
    # The same bytes as the control file, under another name.
    (paths.landing / "litellm" / "control_copy.jsonl").write_bytes(_litellm("control"))
    # The delivery the shrinking restatement restates.
    (paths.landing / "anthropic_costs" / ANTHROPIC_COSTS.name).write_bytes(ANTHROPIC_COSTS.read_bytes())
    pipeline.ingest(paths)
    pipeline.validate_loads(paths)
    return paths


def _record(paths: DataPaths, file: str) -> tuple | None:
    rows = query(
        paths.warehouse,
        "select file_loads.status, coalesce(error, ''), rows_read, rows_loaded, rows_quarantined, "
        "coalesce(extra_columns, ''), coalesce(v.status, ''), coalesce(v.problems, '') "
        "from ingest.file_loads left join ingest.load_validations as v using (load_id) where file = ?",
        [file],
    )
    assert len(rows) <= 1, f"{file} was loaded {len(rows)} times"
    return rows[0] if rows else None


def test_the_corpus_has_at_least_thirty_kinds_of_bad_file():
    assert len([case for case in CASES if "control" not in case.name]) >= 30


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_bad_file_ends_as_expected(landed, case):
    record = _record(landed, case.path)
    if case.outcome == "skipped":
        assert record is None
        return
    assert record is not None, f"{case.path} has no load record"
    status, error, rows_read, rows_loaded, rows_quarantined, extras, verdict, problems = record
    assert rows_read == rows_loaded + rows_quarantined
    if case.outcome == "rejected":
        assert status == "rejected"
        assert case.detail in error
        assert rows_loaded == 0
        return
    assert status == "loaded", error
    quarantine = query(
        landed.warehouse, "select row_number, reason from ingest.quarantine where file = ?", [case.path]
    )
    expected_verdict = {"blocked": "blocked", "warned": "warned"}.get(case.outcome, "passed")
    assert verdict == expected_verdict, problems
    if case.outcome == "quarantined":
        assert rows_quarantined == 1
        assert case.detail in quarantine[0][1]
    else:
        assert quarantine == []
    if case.outcome == "drift":
        assert extras == case.detail
    if case.outcome in ("blocked", "warned"):
        assert case.detail in problems


def test_the_same_bytes_under_another_name_load_nothing_again(landed):
    status, error, *_ = _record(landed, "litellm/control_copy.jsonl")

    assert (status, error) == (
        "duplicate",
        "same bytes as litellm/control.jsonl, already loaded; nothing loaded again",
    )


def test_a_blocked_files_rows_never_reach_dbt(landed):
    assert query(
        landed.warehouse,
        "select count(*) from raw.litellm_spend_logs "
        "where _file in ('litellm/future.jsonl', 'litellm/ancient.jsonl')",
    ) == [(0,)]


def test_formula_cells_stay_text_in_the_warehouse_and_inert_in_a_download(landed):
    [(task_id,)] = query(
        landed.warehouse,
        "select task_id from raw.task_outcomes_tasks where _file = 'task_outcomes/formulas_2026-03-02.csv' "
        "and starts_with(task_id, '=')",
    )
    assert task_id == "=cmd|' /C calc'!A0"
    assert "'=cmd|' /C calc'!A0" in csv_bytes(pd.DataFrame({"task_id": [task_id]})).decode()
