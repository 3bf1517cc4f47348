"""`aispend export-raw` writes every dbt source as Parquet that reads back exactly as dbt reads it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration import pipeline
from orchestration.cli import main
from orchestration.export_raw import MANIFEST, STAGING, default_out, export_raw, source_tables
from orchestration.paths import DBT_PROJECT_DIR, DataPaths
from tests.conftest import land, query

# (fixture, landing folder): the gateway (one file with two unloadable lines), a bill with decimal
# amounts, a FOCUS export with JSON columns, and task outcomes.
FILES = [
    ("spend_logs_sample.jsonl", "litellm"),
    ("spend_logs_malformed.jsonl", "litellm"),
    ("openai_costs/costs_2026-10-31T0600Z.json", "openai_costs"),
    ("focus/focus_ai_tokens.csv", "focus"),
    ("task_outcomes/outcomes_2026-03-02.jsonl", "task_outcomes"),
]
# The OpenAI costs file is made an earlier day's load, so the export has more than one load date.
EARLIER_LOAD = "2015-06-01 08:00:00"
VALIDATED_AT = "2015-06-02 09:30:00"
# How the documented layout dates each ingest table's rows: (partition column, SQL over the table as `t`).
INGEST_DATES = {
    "file_loads": ("loaded_date", "t.started_at"),
    "quarantine": (
        "loaded_date",
        "(select f.started_at from ingest.file_loads as f where f.load_id = t.load_id)",
    ),
    "expectation_results": ("validated_date", "t.validated_at"),
    "load_validations": ("validated_date", "t.validated_at"),
}


def dbt_sources() -> dict[tuple[str, str], str]:
    """Every table dbt declares as a source, with the DuckDB relation it reads."""
    relations = {}
    for path in (DBT_PROJECT_DIR / "models").glob("**/_*.yml"):
        for source in yaml.safe_load(path.read_text()).get("sources", []):
            schema = "raw" if "raw_schema" in source["schema"] else source["schema"]
            for table in source["tables"]:
                relations[source["name"], table["name"]] = (
                    f"{schema}.{table.get('identifier', table['name'])}"
                )
    return relations


def land_and_ingest(paths: DataPaths) -> None:
    """Load the files above, one of them on an earlier day, and record a validation of every load."""
    for fixture, folder in FILES:
        land(paths, fixture, folder, Path(fixture).name)
    assert {load.status for load in pipeline.ingest(paths)} == {"loaded"}
    with duckdb.connect(str(paths.warehouse)) as con:
        con.execute("update raw.openai_costs_results__rows set _loaded_at = ?", [EARLIER_LOAD])
        con.execute(
            "update ingest.file_loads set started_at = ?, finished_at = ? where source = 'openai_costs'",
            [EARLIER_LOAD, EARLIER_LOAD],
        )
        con.execute(
            "insert into ingest.expectation_results values "
            "('v1', ?, 'litellm', 'litellm_spend_logs', 'raw.litellm_spend_logs', "
            "'expect_column_values_to_not_be_null', 'request_id', 'request_id is never null', 'critical', "
            "true, 2, 9, 0, null)",
            [VALIDATED_AT],
        )
        con.execute(
            "insert into ingest.load_validations "
            "select load_id, 'v1', ?, 'passed', null from ingest.file_loads",
            [VALIDATED_AT],
        )


def block(paths: DataPaths, file: str) -> None:
    """What validation writes when a critical expectation fails on a file's load."""
    with duckdb.connect(str(paths.warehouse)) as con:
        con.execute(
            "insert into ingest.load_validations "
            "select load_id, 'v2', ?, 'blocked', 'request_id is unique: 2 rows failed' "
            "from ingest.file_loads where file = ?",
            [VALIDATED_AT, file],
        )


def parquet(out: Path, source: str, table: str) -> str:
    """SQL reading one exported table back, as an engine reading the Hive layout would."""
    return f"read_parquet('{out}/{source}/{table}/*/*.parquet', hive_partitioning = true)"


def as_dbt_reads_it(con: duckdb.DuckDBPyConnection, source: str, table: str) -> str:
    """SQL of a source table's rows as documented for the export: JSON as text, the date column last."""
    relation = dbt_sources()[source, table]
    columns = [
        f'cast(t."{name}" as varchar) as "{name}"' if type_ == "JSON" else f't."{name}"'
        for name, type_, *_ in con.execute(f"describe select * from {relation}").fetchall()
    ]
    if source == "ingest":
        column, dated_by = INGEST_DATES[table]
    elif source == "genai_prices":
        column, dated_by = "valid_from_date", "t.valid_from"
    else:
        column, dated_by = "loaded_date", "t._loaded_at"
    return f"select {', '.join(columns)}, cast({dated_by} as date) as {column} from {relation} as t"


def assert_same_rows(con: duckdb.DuckDBPyConnection, left: str, right: str) -> None:
    for one, other in ((left, right), (right, left)):
        assert con.execute(f"select count(*) from ({one} except all {other})").fetchone() == (0,)


def names_and_types(con: duckdb.DuckDBPyConnection, select: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in con.execute(f"describe {select}").fetchall()]


def exported_tables(out: Path) -> list[dict]:
    return json.loads((out / MANIFEST).read_text())["tables"]


def partition_folders(out: Path, name: str) -> set[str]:
    return {folder.name for folder in (out / name).iterdir()}


def assert_exports_equal(warehouse: Path, one: Path, other: Path) -> None:
    """Both folders hold the same tables, partitions and rows."""
    assert [(t["path"], t["rows"]) for t in exported_tables(one)] == [
        (t["path"], t["rows"]) for t in exported_tables(other)
    ]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in exported_tables(one):
            assert partition_folders(one, table["path"]) == partition_folders(other, table["path"])
            if table["rows"]:
                source, name = table["source"], table["table"]
                select = "select * from {}"
                assert_same_rows(
                    con,
                    select.format(parquet(one, source, name)),
                    select.format(parquet(other, source, name)),
                )


def test_every_dbt_source_table_has_its_folder(paths):
    land_and_ingest(paths)

    export = export_raw(paths)

    declared = set(dbt_sources())
    assert {(t.source, t.table) for t in source_tables()} == declared
    assert {(t["source"], t["table"]) for t in exported_tables(export.path)} == declared
    assert export.path == paths.root / "export" / "raw"
    for source, table in declared:
        assert (export.path / source / table).is_dir()
    assert not (export.path / STAGING).exists()


def test_export_reads_back_exactly_as_dbt_reads_the_warehouse(paths):
    land_and_ingest(paths)

    export = export_raw(paths)

    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        exported = [t for t in exported_tables(export.path) if t["rows"]]
        assert {t["path"] for t in exported} == {
            "litellm/spend_logs",
            "openai_costs/results",
            "focus/charges",
            "task_outcomes/tasks",
            "genai_prices/model_prices",
            "ingest/file_loads",
            "ingest/quarantine",
            "ingest/expectation_results",
            "ingest/load_validations",
        }
        for table in exported:
            expected = as_dbt_reads_it(con, table["source"], table["table"])
            actual = f"select * from {parquet(export.path, table['source'], table['table'])}"
            assert names_and_types(con, actual) == names_and_types(con, expected)
            assert_same_rows(con, expected, actual)
            count = con.execute(f"select count(*) from {dbt_sources()[table['source'], table['table']]}")
            assert table["rows"] == count.fetchone()[0]
    # The catalogue's rows are the installed genai-prices' (counted against the warehouse above).
    assert {t["path"]: t["rows"] for t in exported if t["source"] != "genai_prices"} == {
        "litellm/spend_logs": 9,
        "openai_costs/results": 9,
        "focus/charges": 4,
        "task_outcomes/tasks": 5,
        "ingest/file_loads": 5,
        "ingest/quarantine": 2,
        "ingest/expectation_results": 1,
        "ingest/load_validations": 5,
    }


def test_decimals_timestamps_and_json_keep_their_types_in_the_files(paths):
    land_and_ingest(paths)

    out = export_raw(paths).path

    def physical(source: str, table: str, column: str) -> tuple:
        [row] = query(
            paths.warehouse,
            "select distinct type, logical_type::varchar, precision, scale "
            f"from parquet_schema('{out}/{source}/{table}/*/*.parquet') where name = ?",
            [column],
        )
        return row

    decimal_38_18 = ("FIXED_LEN_BYTE_ARRAY", "DecimalType(scale=18, precision=38)", 38, 18)
    assert physical("openai_costs", "results", "amount_value") == decimal_38_18
    assert physical("focus", "charges", "BilledCost") == decimal_38_18
    assert physical("task_outcomes", "tasks", "human_minutes")[2:] == (38, 10)
    [(timestamp_type, adjusted_to_utc)] = query(
        paths.warehouse,
        "select distinct type, logical_type::varchar "
        f"from parquet_schema('{out}/litellm/spend_logs/*/*.parquet') where name = '_loaded_at'",
    )
    assert (timestamp_type, "isAdjustedToUTC=0" in adjusted_to_utc) == ("INT64", True)
    assert physical("focus", "charges", "Tags")[:1] == ("BYTE_ARRAY",)
    [(amounts,)] = query(paths.warehouse, "select sum(amount_value) from raw.openai_costs_results")
    [(exported,)] = query(
        paths.warehouse, f"select sum(amount_value) from {parquet(out, 'openai_costs', 'results')}"
    )
    assert exported == amounts
    [focus] = [t for t in exported_tables(out) if t["path"] == "focus/charges"]
    types = {c["name"]: (c["type"], c.get("warehouse_type")) for c in focus["columns"]}
    assert types["BilledCost"] == ("DECIMAL(38,18)", None)
    assert types["Tags"] == ("VARCHAR", "JSON")
    assert types["_loaded_at"] == ("TIMESTAMP", None)


def test_partitions_are_the_load_date_or_the_validation_date(paths):
    land_and_ingest(paths)

    out = export_raw(paths).path

    [(today,)] = query(
        paths.warehouse, "select distinct cast(_loaded_at as date)::varchar from raw.litellm_spend_logs"
    )
    assert partition_folders(out, "litellm/spend_logs") == {f"loaded_date={today}"}
    assert partition_folders(out, "openai_costs/results") == {"loaded_date=2015-06-01"}
    assert partition_folders(out, "ingest/file_loads") == {"loaded_date=2015-06-01", f"loaded_date={today}"}
    assert partition_folders(out, "ingest/quarantine") == {f"loaded_date={today}"}
    assert partition_folders(out, "ingest/load_validations") == {"validated_date=2015-06-02"}
    assert partition_folders(out, "ingest/expectation_results") == {"validated_date=2015-06-02"}
    assert partition_folders(out, "anthropic_costs/cost_report") == set()
    files = list((out / "openai_costs" / "results").glob("*/*"))
    assert files
    assert all(f.name.startswith("part-") and f.suffix == ".parquet" for f in files)
    [(rows_by_date,)] = query(
        paths.warehouse,
        f"select list(loaded_date::varchar order by loaded_date) from {parquet(out, 'ingest', 'file_loads')}",
    )
    assert rows_by_date == ["2015-06-01"] + [today] * 4


def test_a_second_export_after_new_loads_equals_a_fresh_one_and_rewrites_only_their_partitions(
    paths, tmp_path
):
    land_and_ingest(paths)
    first = export_raw(paths)
    earlier = sorted((first.path / "openai_costs" / "results").glob("*/*"))
    land(paths, "spend_logs_array.json")
    land(paths, "task_outcomes/outcomes_2026-03-04.jsonl", "task_outcomes", "outcomes_2026-03-04.jsonl")
    assert {load.status for load in pipeline.ingest(paths)} == {"loaded"}

    second = export_raw(paths)
    fresh = export_raw(paths, tmp_path / "fresh")

    assert_exports_equal(paths.warehouse, second.path, fresh.path)
    assert {f"{t.source}/{t.table}": t.written for t in second.tables if t.written} == {
        "litellm/spend_logs": 1,
        "task_outcomes/tasks": 1,
        "ingest/file_loads": 1,
    }
    assert sorted((second.path / "openai_costs" / "results").glob("*/*")) == earlier
    [spend_logs] = [t for t in second.tables if t.table == "spend_logs"]
    assert (spend_logs.rows, spend_logs.partitions) == (12, 1)
    assert query(
        paths.warehouse, f"select count(*) from {parquet(second.path, 'litellm', 'spend_logs')}"
    ) == [(12,)]
    unchanged = export_raw(paths)
    assert (unchanged.written, unchanged.removed) == (0, 0)


def test_an_interrupted_export_is_redone_in_full(paths):
    land_and_ingest(paths)
    first = export_raw(paths)
    (first.path / STAGING / "new").mkdir(parents=True)

    again = export_raw(paths)

    assert again.written == again.partitions == first.partitions
    assert not (again.path / STAGING).exists()


def test_blocked_loads_leave_the_export(paths, tmp_path):
    land_and_ingest(paths)
    export_raw(paths)
    block(paths, "openai_costs/costs_2026-10-31T0600Z.json")
    block(paths, "litellm/spend_logs_sample.jsonl")

    export = export_raw(paths)

    out = export.path
    assert partition_folders(out, "openai_costs/results") == set()
    [costs] = [t for t in exported_tables(out) if t["path"] == "openai_costs/results"]
    assert (costs["rows"], costs["partitions"]) == (0, [])
    assert query(paths.warehouse, f"select distinct _file from {parquet(out, 'litellm', 'spend_logs')}") == [
        ("litellm/spend_logs_malformed.jsonl",)
    ]
    assert query(
        paths.warehouse,
        f"select count(*) from {parquet(out, 'ingest', 'load_validations')} where status = 'blocked'",
    ) == [(2,)]
    assert export.removed == 1
    assert_exports_equal(paths.warehouse, out, export_raw(paths, tmp_path / "fresh").path)


def test_cli_prints_what_it_exported(paths, tmp_path, capsys):
    land_and_ingest(paths)

    assert main(["export-raw"]) == 0

    out = capsys.readouterr().out
    assert f"Exporting the raw layer as Parquet to {default_out(paths)} ..." in out
    assert "  litellm/spend_logs: 9 rows in 1 partition(s), 1 written\n" in out
    assert "  ingest/file_loads: 5 rows in 2 partition(s), 2 written\n" in out
    assert "anthropic_costs/cost_report" not in out
    # The price catalogue's rows and periods are the installed genai-prices'.
    [(prices, periods)] = query(
        paths.warehouse, "select count(*), count(distinct valid_from) from raw.genai_prices"
    )
    assert (
        f"Exported 26 table(s), {40 + prices:,} rows in {9 + periods} partition(s): "
        f"{9 + periods} written, 0 unchanged, 0 removed."
    ) in out
    assert f"Manifest (tables, rows, columns and types): {default_out(paths) / MANIFEST}" in out

    assert main(["export-raw", "--out", str(tmp_path / "elsewhere")]) == 0
    assert f"{9 + periods} written, 0 unchanged" in capsys.readouterr().out
    assert (tmp_path / "elsewhere" / MANIFEST).exists()


def test_cli_without_a_warehouse_says_what_to_run_first(paths, capsys):
    assert main(["export-raw"]) == 1

    assert f"No warehouse at {paths.warehouse}: run `aispend ingest` first." in capsys.readouterr().out
    assert not paths.export.exists()


@pytest.mark.parametrize("name", ["litellm/spend_logs", "ingest/quarantine"])
def test_manifest_describes_each_table(paths, name):
    land_and_ingest(paths)

    out = export_raw(paths).path

    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["exported_at"].endswith("+00:00")
    [table] = [t for t in manifest["tables"] if t["path"] == name]
    relation = dbt_sources()[table["source"], table["table"]]
    assert table["relation"] == relation
    described = query(paths.warehouse, f"describe select * from {relation}")
    assert [(c["name"], c.get("warehouse_type", c["type"])) for c in table["columns"]] == [
        (row[0], row[1]) for row in described
    ]
    assert table["rows"] == sum(p["rows"] for p in table["partitions"])
