"""Prompt text, API keys and passwords planted in every source never reach the warehouse's bytes.

One fixture file of each landing folder gets the canaries everywhere a record could carry them:
under prompt keys (`messages`, `prompt`), in a free-text column, and in a row the loader
quarantines. After ingest and validation the warehouse file (and its write-ahead log) is searched
byte by byte, so no table, view, quarantine row or load record can hide one.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import pipeline
from orchestration.paths import DataPaths, data_paths
from orchestration.publish import publish
from tests.conftest import FIXTURES

PROMPT = "CANARY-PROMPT the customer's card ending 4242 was charged twice"
API_KEY = "sk-proj-CANARYKEY0123456789abcdefXYZ"
PASSWORD = "CANARYPASSWORD-hunter2"
CANARIES = ("CANARY-PROMPT", "CANARYKEY0123456789", "CANARYPASSWORD")
NOTE = f"rotated {API_KEY}; password={PASSWORD}; Bearer {API_KEY}"

# One file per landing folder (its own name, so the folder's rules for names apply).
FILES = {
    "litellm": "spend_logs_sample.jsonl",
    "openai_usage": "openai_usage/completions_2026-10-31T0600Z.json",
    "openai_costs": "openai_costs/costs_2026-10-31T0600Z.json",
    "anthropic_usage": "anthropic_usage/messages_2025-08-01T0600Z.json",
    "anthropic_costs": "anthropic_costs/cost_report_2025-08-01T0600Z.json",
    "aws_cur": "aws_cur/cur2_2026-05_final.csv",
    "focus": "focus/focus_ai_tokens.csv",
    "otel_genai": "otel_genai/traces_sample.jsonl",
    "copilot_seats": "copilot_seats/copilot_seats_acme_2026-05-04.json",
    "m365_copilot": "m365_copilot/copilot_usage_user_detail_D7_2026-05-10.csv",
    "seats": "seats/seats_2026-05-04.csv",
    "task_outcomes": "task_outcomes/support_desk_tickets_2026-03-02.csv",
    "reference": "reference/credentials.csv",
}


def _plant_json(value):
    """Every object gains a prompt, a note with a key and a password; every list its objects'."""
    if isinstance(value, dict):
        planted = {k: _plant_json(v) for k, v in value.items()}
        planted["messages"] = [{"role": "user", "content": PROMPT}]
        planted["notes"] = NOTE
        return planted
    if isinstance(value, list):
        return [_plant_json(v) for v in value]
    return value


def _plant_csv(text: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*rows[0], "prompt", "notes"])
    for row in rows[1:]:
        writer.writerow([*row, PROMPT, NOTE])
    # A row the loader cannot take (too few cells): quarantined, its raw text kept, scrubbed.
    writer.writerow([PROMPT, NOTE])
    return out.getvalue()


def _plant(source: Path, target: Path) -> None:
    text = source.read_text(encoding="utf-8-sig")
    if source.suffix == ".csv":
        target.write_text(_plant_csv(text))
    elif source.suffix == ".jsonl":
        lines = [json.dumps(_plant_json(json.loads(line))) for line in text.splitlines() if line.strip()]
        broken = json.dumps({"messages": [{"content": PROMPT}], "notes": NOTE})[:-8]
        target.write_text("\n".join([*lines, broken]) + "\n")
    else:
        target.write_text(json.dumps(_plant_json(json.loads(text))))


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    paths = data_paths(tmp_path_factory.mktemp("secrets") / "data")
    for folder, fixture in FILES.items():
        target = paths.landing / folder / Path(fixture).name
        target.parent.mkdir(parents=True, exist_ok=True)
        _plant(FIXTURES / fixture, target)
    # Reference files a credentials file needs beside it.
    for name in ("teams.csv", "people.csv"):
        shutil.copyfile(FIXTURES / "reference" / name, paths.landing / "reference" / name)
    pipeline.ingest(paths)
    pipeline.validate_loads(paths)
    return paths


def test_every_planted_source_was_loaded(planted):
    with duckdb.connect(str(planted.warehouse), read_only=True) as con:
        statuses = dict(
            con.execute("select source, min(status) from ingest.file_loads group by all").fetchall()
        )
    assert statuses == dict.fromkeys(FILES, "loaded")


@pytest.mark.parametrize("name", ["warehouse.duckdb", "warehouse.duckdb.wal", "serving.duckdb"])
def test_no_canary_is_anywhere_in_the_files_bytes(planted, name):
    if name == "serving.duckdb":
        publish(planted.warehouse, planted.serving)
    path = planted.root / name
    if not path.exists():
        pytest.skip(f"no {name}: everything was checkpointed into the database file")
    data = path.read_bytes()
    found = [canary for canary in CANARIES if canary.encode() in data]
    assert found == [], f"{name} holds {found}"


def test_the_planted_rows_kept_their_other_values(planted):
    # The scrubbing removed secrets, not the rows: the raw tables hold every planted file's rows.
    with duckdb.connect(str(planted.warehouse), read_only=True) as con:
        loaded = dict(
            con.execute("select source, sum(rows_loaded) from ingest.file_loads group by all").fetchall()
        )
        quarantined = con.execute("select count(*) from ingest.quarantine").fetchone()[0]
    assert all(rows > 0 for rows in loaded.values())
    # One unloadable row was planted in each CSV and JSON Lines file.
    assert quarantined == sum(Path(f).suffix in (".csv", ".jsonl") for f in FILES.values())
