"""The export manifest becomes Spark's dbt sources: one external Parquet table per source, typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.cli import main
from orchestration.export_raw import default_out
from orchestration.spark import SparkSourcesFailed, source_tables, spark_type

MANIFEST = {
    "tables": [
        {
            "path": "openai_costs/results",
            "relation": "raw.openai_costs_results",
            "partition_column": "loaded_date",
            "partition_type": "DATE",
            "columns": [
                {"name": "start_time", "type": "BIGINT"},
                {"name": "amount_value", "type": "DECIMAL(38,18)"},
                {"name": "line_item", "type": "VARCHAR"},
                {"name": "_loaded_at", "type": "TIMESTAMP"},
            ],
        },
        {
            "path": "ingest/quarantine",
            "relation": "ingest.quarantine",
            "partition_column": "loaded_date",
            "partition_type": "DATE",
            "columns": [{"name": "record", "type": "VARCHAR", "warehouse_type": "JSON"}],
        },
    ]
}


def test_each_table_is_registered_where_source_reads_it_with_its_types(tmp_path: Path) -> None:
    tables = source_tables(MANIFEST, tmp_path)
    assert tables[0] == {
        "schema": "raw",
        "identifier": "openai_costs_results",
        "location": str(tmp_path / "openai_costs" / "results"),
        "columns": [
            {"name": "start_time", "type": "bigint"},
            {"name": "amount_value", "type": "decimal(38,18)"},
            {"name": "line_item", "type": "string"},
            {"name": "_loaded_at", "type": "timestamp"},
            {"name": "loaded_date", "type": "date"},
        ],
        "partition_column": "loaded_date",
    }
    assert (tables[1]["schema"], tables[1]["identifier"]) == ("ingest", "quarantine")
    assert tables[1]["columns"][0] == {"name": "record", "type": "string"}


def test_a_type_spark_cannot_read_is_refused_by_name() -> None:
    assert spark_type("DECIMAL(18, 3)") == "decimal(18,3)"
    with pytest.raises(SparkSourcesFailed, match="INTERVAL"):
        spark_type("INTERVAL")


def test_cli_without_an_export_says_what_to_run_first(paths, capsys) -> None:
    assert main(["spark-sources"]) == 1

    out = capsys.readouterr().out
    manifest = default_out(paths) / "_manifest.json"
    assert f"error: no export manifest at {manifest}: run `aispend export-raw` first" in out
