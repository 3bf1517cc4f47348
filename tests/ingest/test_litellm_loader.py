"""Loading LiteLLM spend logs: counts, sums, duplicates, quarantine, formats and privacy."""

from __future__ import annotations

import gzip
import shutil
from decimal import Decimal

import pytest

from orchestration import pipeline
from tests.conftest import FIXTURES, land, query

SAMPLE_SPEND = Decimal("4.862725")


def test_sample_file_loads_every_row_with_its_lineage(paths):
    landed = land(paths, "spend_logs_sample.jsonl")

    [load] = pipeline.ingest(paths)

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 6, 6, 0)
    rows = query(
        paths.warehouse,
        "select count(*), sum(cast(spend as decimal(38, 10))), sum(prompt_tokens), sum(completion_tokens), "
        "min(_row_number), max(_row_number), any_value(_file), any_value(_file_sha256), any_value(_source) "
        "from raw.litellm_spend_logs",
    )
    assert rows == [
        (6, SAMPLE_SPEND, 10000, 1800, 1, 6, "litellm/spend_logs_sample.jsonl", load.sha256, "litellm")
    ]
    import hashlib

    assert load.sha256 == hashlib.sha256(landed.read_bytes()).hexdigest()


def test_metadata_keys_become_columns(paths):
    land(paths, "spend_logs_sample.jsonl")
    pipeline.ingest(paths)

    rows = query(
        paths.warehouse,
        "select request_id, workflow, task_id, attempt, key_alias, cached_tokens, cache_read_input_tokens, "
        "cache_creation_input_tokens, gateway_input_cost_per_token from raw.litellm_spend_logs "
        "where _row_number in (1, 4) order by _row_number",
    )
    assert rows == [
        (
            "chatcmpl-fixture-000",
            "ticket_triage",
            "task-000",
            1,
            "svc-ticket-triage",
            400,
            None,
            None,
            2.5e-06,
        ),
        ("chatcmpl-fixture-003", None, None, None, "legacy-slackbot", 3000, 3000, 1500, None),
    ]


def test_loading_the_same_file_twice_changes_nothing(paths):
    land(paths, "spend_logs_sample.jsonl")
    pipeline.ingest(paths)

    assert pipeline.ingest(paths) == []
    land(paths, "spend_logs_sample.jsonl", name="spend_logs_sample_copy.jsonl")
    [again] = pipeline.ingest(paths)

    assert again.status == "duplicate"
    assert "litellm/spend_logs_sample.jsonl" in again.error
    assert query(paths.warehouse, "select count(*) from raw.litellm_spend_logs") == [(6,)]


def test_malformed_line_is_quarantined_with_its_line_number_and_the_rest_loads(paths):
    land(paths, "spend_logs_malformed.jsonl")

    [load] = pipeline.ingest(paths)

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 5, 3, 2)
    assert query(
        paths.warehouse, "select sum(cast(spend as decimal(38, 10))) from raw.litellm_spend_logs"
    ) == [(Decimal("0.875"),)]
    quarantined = query(
        paths.warehouse, "select row_number, reason, file from ingest.quarantine order by row_number"
    )
    assert quarantined == [
        (3, "line is not a JSON object", "litellm/spend_logs_malformed.jsonl"),
        (5, "spend is negative: -2.0", "litellm/spend_logs_malformed.jsonl"),
    ]


def test_quarantined_raw_text_keeps_the_record_but_not_its_prompt(paths):
    land(paths, "spend_logs_malformed.jsonl")
    pipeline.ingest(paths)

    [(raw_text,)] = query(paths.warehouse, "select raw_text from ingest.quarantine where row_number = 3")
    assert raw_text.startswith('{"request_id": "chatcmpl-broken", "spend": 0.1, "messages": "[redacted]"')
    assert "PLANTED-PROMPT" not in raw_text


def test_prompt_response_and_raw_key_are_nowhere_in_the_warehouse(paths):
    land(paths, "spend_logs_sample.jsonl")
    land(paths, "spend_logs_malformed.jsonl")
    pipeline.ingest(paths)

    text_columns = query(
        paths.warehouse,
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type in ('VARCHAR', 'JSON') and table_schema in ('raw', 'ingest')",
    )
    for schema, table, column in text_columns:
        hits = query(
            paths.warehouse,
            f'select count(*) from {schema}."{table}" where "{column}"::varchar similar to ?',
            [".*(PLANTED-PROMPT|PLANTED-RESPONSE|PLANTEDRAWKEY).*"],
        )
        assert hits == [(0,)], f"{schema}.{table}.{column} holds planted text"
    assert b"PLANTED" not in paths.warehouse.read_bytes()


def test_a_raw_key_is_stored_as_litellms_own_hash(paths):
    land(paths, "spend_logs_sample.jsonl")
    pipeline.ingest(paths)

    import hashlib

    expected = hashlib.sha256(b"sk-proj-PLANTEDRAWKEY0123456789abcdef").hexdigest()
    assert query(paths.warehouse, "select api_key from raw.litellm_spend_logs where _row_number = 3") == [
        (expected,)
    ]


@pytest.mark.parametrize(
    ("fixture", "rows", "spend"),
    [
        ("spend_logs_array.json", 3, Decimal("1.7625")),
        ("spend_logs_export.csv", 3, Decimal("1.7625")),
    ],
)
def test_json_array_and_csv_exports_load_the_same_rows(paths, fixture, rows, spend):
    land(paths, fixture)

    [load] = pipeline.ingest(paths)

    assert (load.status, load.rows_loaded, load.rows_quarantined) == ("loaded", rows, 0)
    assert query(
        paths.warehouse,
        "select count(*), sum(cast(spend as decimal(38, 10))), max(workflow), "
        "max(gateway_input_cost_per_token) "
        "from raw.litellm_spend_logs",
    ) == [(rows, spend, "ticket_triage", 2.5e-06)]


def test_gzipped_file_loads_like_the_plain_one(paths):
    target = paths.landing / "litellm" / "spend_logs_sample.jsonl.gz"
    target.parent.mkdir(parents=True)
    with (FIXTURES / "spend_logs_sample.jsonl").open("rb") as plain, gzip.open(target, "wb") as packed:
        shutil.copyfileobj(plain, packed)

    [load] = pipeline.ingest(paths)

    assert (load.status, load.rows_loaded) == ("loaded", 6)


def test_truncated_gzip_is_rejected_whole_and_other_files_still_load(paths):
    target = paths.landing / "litellm" / "broken.jsonl.gz"
    target.parent.mkdir(parents=True)
    target.write_bytes(gzip.compress((FIXTURES / "spend_logs_sample.jsonl").read_bytes())[:-40])
    land(paths, "spend_logs_malformed.jsonl")

    loads = {load.file: load for load in pipeline.ingest(paths)}

    broken = loads["litellm/broken.jsonl.gz"]
    assert broken.status == "rejected"
    assert broken.error.startswith("cannot read the file")
    assert loads["litellm/spend_logs_malformed.jsonl"].status == "loaded"
    assert query(paths.warehouse, "select distinct _file from raw.litellm_spend_logs") == [
        ("litellm/spend_logs_malformed.jsonl",)
    ]


def test_empty_and_foreign_files_are_rejected_with_a_reason(paths):
    (paths.landing / "litellm").mkdir(parents=True)
    (paths.landing / "litellm" / "empty.jsonl").write_text("")
    (paths.landing / "litellm" / "not_litellm.csv").write_text("invoice,amount\nA-1,10\n")
    (paths.landing / "misc").mkdir()
    (paths.landing / "misc" / "notes.jsonl").write_text('{"a": 1}\n')

    loads = {load.file: load for load in pipeline.ingest(paths)}

    assert loads["litellm/empty.jsonl"].error == "the file is empty"
    assert loads["litellm/not_litellm.csv"].error == (
        "missing required column(s) request_id, spend, startTime; the header has: invoice, amount"
    )
    assert loads["misc/notes.jsonl"].error.startswith("folder 'misc' is not a source")
    assert {load.status for load in loads.values()} == {"rejected"}


def test_files_still_being_written_are_left_alone(paths):
    land(paths, "spend_logs_sample.jsonl", name="spend_logs_sample.jsonl.partial")

    assert pipeline.ingest(paths) == []


def test_unknown_columns_are_kept_as_drift(paths):
    line = (FIXTURES / "spend_logs_sample.jsonl").read_text().splitlines()[0]
    target = paths.landing / "litellm" / "drift.jsonl"
    target.parent.mkdir(parents=True)
    target.write_text(line[:-1] + ', "new_litellm_column": "v2"}\n')

    [load] = pipeline.ingest(paths)

    assert (load.status, load.extra_columns) == ("loaded", "new_litellm_column")
    assert query(paths.warehouse, "select _extra::varchar from raw.litellm_spend_logs") == [
        ('{"new_litellm_column":"v2"}',)
    ]
