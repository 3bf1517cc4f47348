"""The command line says what happened and exits non-zero when something needs a person."""

from __future__ import annotations

import json

from orchestration.cli import main
from tests.conftest import land


def test_ingest_reports_rejections_and_exits_non_zero(paths, capsys):
    land(paths, "spend_logs_sample.jsonl")
    (paths.landing / "litellm" / "empty.jsonl").write_text("")

    code = main(["ingest"])

    out = capsys.readouterr().out
    assert code == 1
    assert "litellm/spend_logs_sample.jsonl: 6 rows loaded" in out
    assert "REJECTED litellm/empty.jsonl: the file is empty" in out
    assert "Ingest: 2 new file(s); 1 loaded (6 rows, 0 quarantined), 0 duplicate, 1 rejected." in out


def test_status_prints_one_record_per_landed_file_as_json(paths, capsys):
    land(paths, "spend_logs_malformed.jsonl")
    assert main(["ingest"]) == 0
    capsys.readouterr()

    assert main(["status", "--json"]) == 0

    [record] = json.loads(capsys.readouterr().out)
    assert {k: v for k, v in record.items() if k != "sha256"} == {
        "source": "litellm",
        "file": "litellm/spend_logs_malformed.jsonl",
        "status": "loaded",
        "rows_read": 5,
        "rows_loaded": 3,
        "rows_quarantined": 2,
        "error": None,
    }
    assert len(record["sha256"]) == 64


def test_status_names_each_quarantined_row_with_its_line_and_reason(paths, capsys):
    land(paths, "spend_logs_malformed.jsonl")
    assert main(["ingest"]) == 0
    capsys.readouterr()

    assert main(["status"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "loaded    litellm/spend_logs_malformed.jsonl  (read 5, loaded 3, quarantined 2)"
    )
    assert [line.strip() for line in lines[1:]] == [
        "line 3: line is not a JSON object",
        "line 5: spend is negative: -2.0",
    ]


def test_commands_explain_what_to_run_first(paths, capsys):
    assert main(["build"]) == 1
    assert "no warehouse at" in capsys.readouterr().out
    assert main(["app"]) == 1
    assert "run `aispend run` (or `make demo`) first" in capsys.readouterr().out
    assert main(["status"]) == 1
    assert "run `aispend ingest` first" in capsys.readouterr().out


def test_generate_refuses_nonsense_sizes(tmp_path, capsys):
    assert main(["generate", "--out", str(tmp_path), "--days", "0"]) == 2
    assert "days must be at least 1" in capsys.readouterr().out


def test_run_on_a_file_breaking_a_critical_expectation_says_what_and_where_and_records_it(paths, capsys):
    from tests.orchestration.test_validation import bad_rows, land_rows

    land_rows(paths, bad_rows(), "spend_2026-03-04.jsonl")

    code = main(["run"])

    out = capsys.readouterr().out
    assert code == 1
    assert "CRITICAL litellm_spend_logs: expected (request_id) is unique within each file" in out
    assert "litellm/spend_2026-03-04.jsonl line 5: start_time=2099-03-01 09:20:46" in out
    assert "the published copy was left as it was" in out
    assert not paths.serving.exists()
    [record] = paths.failures.glob("*-validate.json")
    assert f"Failure recorded in {record}" in out
    assert json.loads(record.read_text())["step"] == "validate"
