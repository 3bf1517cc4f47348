"""Great Expectations validation of new loads: what blocks, what warns, and what it reports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ingest.litellm import SPEC as LITELLM
from orchestration import pipeline, validation
from orchestration.expectations import ISO_4217, raw_table_suite
from orchestration.gx_import import import_great_expectations
from orchestration.paths import DataPaths
from tests.conftest import FIXTURES, land, query


def _sample_rows() -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / "spend_logs_sample.jsonl").read_text().splitlines()]


def land_rows(paths: DataPaths, rows: list[dict], name: str) -> None:
    """Write LiteLLM rows as a JSON Lines file in the landing folder."""
    target = paths.landing / "litellm" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(json.dumps(row) + "\n" for row in rows))


def bad_rows() -> list[dict]:
    """The sample with line 3 repeating line 2's request id and line 5 dated 2099."""
    rows = _sample_rows()
    rows[2]["request_id"] = rows[1]["request_id"]
    rows[4]["startTime"] = "2099-03-01 09:20:46"
    return rows


def test_every_raw_table_has_a_suite_with_a_unique_key_within_each_file():
    import_great_expectations().get_context(mode="ephemeral")
    suite = raw_table_suite(LITELLM, validation.utc_now())
    kinds = {(e.expectation_type, str(e.severity.value)) for e in suite.expectations}

    assert ("expect_compound_columns_to_be_unique", "critical") in kinds
    assert ("expect_column_values_to_be_between", "critical") in kinds
    assert ("expect_column_values_to_be_in_set", "warning") in kinds
    assert {"USD", "EUR", "JPY"} <= ISO_4217


def test_a_clean_file_passes_and_its_rows_reach_the_raw_view(paths):
    land(paths, "spend_logs_sample.jsonl")
    pipeline.ingest(paths)

    result = pipeline.validate(paths)

    assert [verdict for _file, verdict in result.verdicts.values()] == ["passed"]
    assert not result.critical_failures
    assert query(paths.warehouse, "select count(*) from raw.litellm_spend_logs") == [(6,)]
    assert result.docs.exists()
    assert "raw.litellm_spend_logs" in result.docs.read_text()


def test_a_file_breaking_critical_expectations_is_blocked_with_its_bad_values(paths):
    land_rows(paths, bad_rows(), "spend_2026-03.jsonl")
    pipeline.ingest(paths)

    with pytest.raises(pipeline.ValidationFailed) as failure:
        pipeline.validate(paths)

    message = str(failure.value)
    assert "litellm/spend_2026-03.jsonl line 5: start_time=2099-03-01 09:20:46" in message
    assert "(request_id) is unique within each file" in message
    assert "line 2: request_id=chatcmpl-fixture-001" in message
    assert "line 3: request_id=chatcmpl-fixture-001" in message
    assert "published copy was left as it was" in message
    # Kept for inspection, but out of what dbt reads.
    assert query(paths.warehouse, "select count(*) from raw.litellm_spend_logs__rows") == [(6,)]
    assert query(paths.warehouse, "select count(*) from raw.litellm_spend_logs") == [(0,)]
    assert query(
        paths.warehouse,
        "select severity, column_name, description, rows_failed from ingest.expectation_results "
        "where not success order by description",
    ) == [
        ("critical", "request_id", "(request_id) is unique within each file", 2),
        (
            "critical",
            "start_time",
            "start_time is between 2015-01-01 and " + message.split("between 2015-01-01 and ")[1][:16],
            1,
        ),
    ]


def test_the_block_holds_until_a_corrected_file_replaces_it(paths):
    land_rows(paths, bad_rows(), "spend_2026-03.jsonl")
    pipeline.ingest(paths)
    with pytest.raises(pipeline.ValidationFailed):
        pipeline.validate(paths)
    with pytest.raises(pipeline.ValidationFailed, match=r"spend_2026-03\.jsonl"):
        pipeline.validate(paths)

    land_rows(paths, _sample_rows(), "spend_2026-03.jsonl")
    pipeline.ingest(paths)
    pipeline.validate(paths)

    assert query(
        paths.warehouse, "select count(*), count(distinct request_id) from raw.litellm_spend_logs"
    ) == [(6, 6)]


def test_a_new_vendor_value_warns_and_does_not_block(paths):
    rows = _sample_rows()
    rows[0]["call_type"] = "avideo_generation"
    land_rows(paths, rows, "spend_2026-03.jsonl")
    pipeline.ingest(paths)

    result = pipeline.validate(paths)

    assert [verdict for _file, verdict in result.verdicts.values()] == ["warned"]
    [warning] = result.warnings
    assert warning.description == "call_type is a value aispend knows"
    assert "line 1: call_type=avideo_generation" in validation.describe(warning)
    assert query(paths.warehouse, "select count(*) from raw.litellm_spend_logs") == [(6,)]


def test_rows_missing_from_the_raw_table_break_the_load_record_expectation(paths):
    land(paths, "spend_logs_sample.jsonl")
    pipeline.ingest(paths)
    with pipeline.warehouse_connection(paths) as con:
        con.execute("delete from raw.litellm_spend_logs__rows where _row_number = 4")

    with pytest.raises(pipeline.ValidationFailed, match="exactly the rows the load record says were loaded"):
        pipeline.validate(paths)


def test_an_unknown_currency_is_critical(paths):
    land(
        paths,
        "openai_costs/costs_2026-10-31T0600Z.json",
        source="openai_costs",
        name="costs_2026-10-31T0600Z.json",
    )
    text = (paths.landing / "openai_costs" / "costs_2026-10-31T0600Z.json").read_text()
    (paths.landing / "openai_costs" / "costs_2026-10-31T0600Z.json").write_text(
        text.replace('"usd"', '"usx"', 1)
    )
    pipeline.ingest(paths)

    with pytest.raises(
        pipeline.ValidationFailed,
        match=r"amount_currency is an ISO 4217 currency code.*line 1: amount_currency=USX",
    ):
        pipeline.validate(paths)


def test_batches_split_by_key_so_duplicates_are_found_across_a_large_file(paths, monkeypatch):
    monkeypatch.setattr(validation, "BATCH_ROWS", 2)
    land_rows(paths, bad_rows(), "spend_2026-03.jsonl")
    pipeline.ingest(paths)

    with pytest.raises(pipeline.ValidationFailed) as failure:
        pipeline.validate(paths)

    assert "2 of 6 rows failed" in str(failure.value)
    assert query(
        paths.warehouse,
        "select rows_checked from ingest.expectation_results "
        "where expectation = 'expect_compound_columns_to_be_unique'",
    ) == [(6,)]


def test_the_data_docs_keep_only_each_suites_latest_results(paths):
    land(paths, "spend_logs_sample.jsonl")
    pipeline.ingest(paths)
    pipeline.validate(paths)
    land(paths, "spend_logs_sample.jsonl", name="spend_logs_again.jsonl")
    rows = _sample_rows()
    land_rows(paths, [{**row, "request_id": row["request_id"] + "-b"} for row in rows], "spend_b.jsonl")
    pipeline.ingest(paths)

    result = pipeline.validate(paths)

    stored = list((paths.quality / "gx" / "uncommitted" / "validations" / "raw").rglob("*.json"))
    rendered = list((result.docs.parent / "validations" / "raw").rglob("*.html"))
    assert len(stored) == len(rendered) == 1
    assert rendered[0].name in result.docs.read_text()


def test_loads_are_validated_once(paths):
    land(paths, "spend_logs_sample.jsonl")
    pipeline.ingest(paths)
    pipeline.validate(paths)

    again = pipeline.validate(paths)

    assert again.outcomes == []
    assert query(paths.warehouse, "select count(*) from ingest.load_validations") == [(1,)]


def test_great_expectations_is_imported_without_pyspark():
    """GX validates with pandas; pyspark (the spark extra) must not come with it: its Spark Connect
    module exits processes whose main module has no file, such as pytest-xdist workers."""
    code = (
        "import sys; from orchestration.gx_import import import_great_expectations; "
        "import_great_expectations(); print(sorted(m for m in sys.modules if m.startswith('pyspark')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert done.stdout.strip() == "[]"
