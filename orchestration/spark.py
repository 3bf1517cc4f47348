"""The dbt project on Apache Spark: the exported raw layer registered as Spark's dbt sources.

`AISPEND_DBT_TARGET=spark` builds the same dbt project on a local SparkSession (the `spark` output in
dbt_project/profiles.yml, `pip install aispend[spark]`). Spark reads the raw layer that
`aispend export-raw` writes: each table's folder becomes an external Parquet table in the schema and
under the name dbt's `source()` resolves to, with the column types the export's manifest lists. The
DDL is dbt's (the `create_raw_sources` macro), so it runs in the session dbt opens with the profile's
warehouse and catalog.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from orchestration.dbt import run_dbt
from orchestration.export_raw import MANIFEST, default_out
from orchestration.paths import DataPaths
from orchestration.pipeline import PipelineError

SPARK_TARGET = "spark"
# Spark's names for the warehouse types the export writes (JSON is exported as VARCHAR).
_SPARK_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "SMALLINT": "smallint",
    "TINYINT": "tinyint",
    "BOOLEAN": "boolean",
    "DOUBLE": "double",
    "FLOAT": "float",
    "DATE": "date",
    # Timestamps are UTC wall-clock times; the session's time zone is UTC, so Spark's TIMESTAMP shows
    # them unchanged.
    "TIMESTAMP": "timestamp",
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


class SparkSourcesFailed(PipelineError):
    """The exported raw layer could not be registered on Spark; the message says why."""

    step = "spark sources"


def spark_dir(paths: DataPaths) -> Path:
    """Spark's warehouse and its catalog (Derby metastore), together: <data>/spark/."""
    return paths.root / "spark"


def reset_spark(paths: DataPaths) -> None:
    """Remove Spark's warehouse and catalog together, so neither refers to what the other lost."""
    shutil.rmtree(spark_dir(paths), ignore_errors=True)


def spark_table_folder(paths: DataPaths, schema: str, table: str) -> Path:
    """Where Spark keeps the files of a table dbt built: <data>/spark/warehouse/<schema>.db/<table>/."""
    return spark_dir(paths) / "warehouse" / f"{schema}.db" / table


def spark_type(warehouse_type: str) -> str:
    """Spark's name for a type as the export's manifest writes it; raises on a type it cannot map."""
    decimal = _DECIMAL.fullmatch(warehouse_type)
    if decimal:
        return f"decimal({decimal[1]},{decimal[2]})"
    try:
        return _SPARK_TYPES[warehouse_type]
    except KeyError:
        raise SparkSourcesFailed(
            f"the export has a column of type {warehouse_type}, which Spark cannot read"
        ) from None


def source_tables(manifest: dict, root: Path) -> list[dict]:
    """What `create_raw_sources` registers, one entry per table in the export manifest under `root`."""
    tables = []
    for entry in manifest["tables"]:
        schema, identifier = entry["relation"].split(".", 1)
        columns = [{"name": c["name"], "type": spark_type(c["type"])} for c in entry["columns"]]
        partition = entry["partition_column"]
        tables.append(
            {
                "schema": schema,
                "identifier": identifier,
                "location": str((root / entry["path"]).resolve()),
                "columns": [*columns, {"name": partition, "type": spark_type(entry["partition_type"])}],
                "partition_column": partition,
            }
        )
    return tables


def build_on_spark(paths: DataPaths, echo: Callable[[str], None] = print, extra: Sequence[str] = ()) -> int:
    """Run `dbt build` on the Spark target, passing each output line to `echo`; return dbt's exit code."""
    return run_dbt("build", paths, ["--target", SPARK_TARGET, *extra], echo)


def create_spark_sources(
    paths: DataPaths, root: Path | None = None, echo: Callable[[str], None] = print
) -> int:
    """Register the export under `root` (default export/raw/) as Spark's dbt sources; return their count."""
    root = root or default_out(paths)
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except OSError as exc:
        raise SparkSourcesFailed(
            f"no export manifest at {root / MANIFEST}: run `aispend export-raw` first"
        ) from exc
    tables = source_tables(manifest, root)
    code = run_dbt(
        "run-operation create_raw_sources",
        paths,
        ["--target", SPARK_TARGET, "--args", json.dumps({"tables": tables})],
        echo,
    )
    if code != 0:
        raise SparkSourcesFailed(f"dbt run-operation create_raw_sources failed (exit code {code})")
    return len(tables)
