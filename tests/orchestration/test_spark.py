"""The same dbt project on Spark, from the exported raw layer, gives the DuckDB build's marts to the cent.

Marked `spark`: it needs the `spark` extra and Java 17, which `make test` installs and uses, and a few
minutes (Spark pays about a second per model and test). `make test-spark` runs these tests alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from ingest.sample import generate
from ingest.sample.company import DEFAULT_END
from orchestration import pipeline
from orchestration.dbt import run_dbt
from orchestration.export_raw import export_raw
from orchestration.paths import DataPaths, data_paths
from orchestration.spark import build_on_spark, create_spark_sources, reset_spark, spark_table_folder
from tests.conftest import query

pytestmark = pytest.mark.spark

# The marts analysts add money up in: the FOCUS ledger, usage and tasks.
COMPARED_MARTS = [
    "focus_cost_and_usage",
    "fct_token_usage",
    "fct_daily_gateway_spend",
    "fct_tasks",
    "fct_billing_reconciliation",
    "fct_seat_days",
]


# Six days inside the three weeks the sample ends with.
REBUILD_WINDOW = {
    "rebuild_from": (DEFAULT_END - timedelta(days=16)).isoformat(),
    "rebuild_to": (DEFAULT_END - timedelta(days=11)).isoformat(),
}


@dataclass(frozen=True)
class Builds:
    """One data folder built on DuckDB, then on Spark twice (all, then the incremental marts), with what
    each dbt call printed."""

    paths: DataPaths
    duckdb_code: int
    spark_codes: tuple[int, int]
    spark_output: tuple[str, str]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    paths = data_paths(tmp_path_factory.mktemp("spark") / "data")
    # Three weeks: every mart has rows, and Spark's time goes on the project's nodes, not on data.
    generate(paths.landing, days=21, requests_per_day=20)
    pipeline.ingest(paths)
    pipeline.validate(paths)
    export_raw(paths)
    # The reference build only builds: the demo build runs the unit tests and data tests on DuckDB.
    reference_only = ["--exclude-resource-type", "unit_test", "--exclude-resource-type", "test"]
    duckdb_code = run_dbt("build", paths, reference_only, echo=lambda _line: None)
    reset_spark(paths)
    create_spark_sources(paths, echo=lambda _line: None)
    codes, outputs = [], []
    # The whole project, then the incremental models and their data tests again on their incremental
    # path, overwriting six days' partitions (the marts must still equal DuckDB's afterwards); their
    # unit tests ran in the first build.
    incremental = [
        *("--select", "config.materialized:incremental", "--vars", json.dumps(REBUILD_WINDOW)),
        *("--exclude-resource-type", "unit_test"),
    ]
    for extra in ([], incremental):
        lines: list[str] = []
        codes.append(build_on_spark(paths, lines.append, extra))
        outputs.append("\n".join(lines))
    return Builds(paths, duckdb_code, (codes[0], codes[1]), (outputs[0], outputs[1]))


def failures(output: str) -> str:
    """dbt's lines about nodes that errored, failed or were skipped."""
    return "\n".join(
        line for line in output.splitlines() if any(word in line for word in (" ERROR ", " FAIL ", " SKIP "))
    )


def test_the_duckdb_reference_build_passes(builds: Builds) -> None:
    assert builds.duckdb_code == 0


@pytest.mark.parametrize("run", [0, 1], ids=["first", "incremental"])
def test_every_model_unit_test_and_data_test_passes_on_spark(builds: Builds, run: int) -> None:
    assert builds.spark_codes[run] == 0, failures(builds.spark_output[run])


def compared_columns(con: duckdb.DuckDBPyConnection, mart: str) -> list[str]:
    """The mart's columns as compared: money and other decimals to the cent, doubles to 1e-6.

    `built_at`, when each build started, differs between the two builds by nature.
    """
    columns = []
    for name, type_, *_ in con.execute(f"describe marts.{mart}").fetchall():
        if name == "built_at":
            continue
        if type_.startswith("DECIMAL"):
            columns.append(f'round(cast("{name}" as decimal(38, 10)), 2) as "{name}"')
        elif type_ in {"DOUBLE", "FLOAT"}:
            columns.append(f'round("{name}", 6) as "{name}"')
        else:
            columns.append(f'cast("{name}" as {type_}) as "{name}"')
    return columns


def differing_rows(paths: DataPaths, mart: str) -> tuple[list[tuple], list[tuple]]:
    """Up to 5 rows only DuckDB's copy of the mart has, and up to 5 only Spark's has."""
    folder: Path = spark_table_folder(paths, "marts", mart)
    assert folder.is_dir(), f"Spark built no marts.{mart}"
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        columns = ", ".join(compared_columns(con, mart))
        spark = f"select {columns} from read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"
        reference = f"select {columns} from marts.{mart}"
        only_duckdb = con.execute(f"{reference} except all {spark} limit 5").fetchall()
        only_spark = con.execute(f"{spark} except all {reference} limit 5").fetchall()
    return only_duckdb, only_spark


@pytest.mark.parametrize("mart", COMPARED_MARTS)
def test_spark_marts_equal_duckdb_to_the_cent(builds: Builds, mart: str) -> None:
    [(rows,)] = query(builds.paths.warehouse, f"select count(*) from marts.{mart}")
    assert rows > 0, f"marts.{mart} is empty on DuckDB, so the comparison would prove nothing"
    assert differing_rows(builds.paths, mart) == ([], []), f"marts.{mart} differs (DuckDB's rows first)"


def test_every_other_mart_equals_duckdb(builds: Builds) -> None:
    marts = query(
        builds.paths.warehouse,
        "select table_name from information_schema.tables where table_schema = 'marts'",
    )
    differing = {
        mart: rows
        for (mart,) in marts
        if mart not in COMPARED_MARTS and (rows := differing_rows(builds.paths, mart)) != ([], [])
    }
    assert differing == {}
