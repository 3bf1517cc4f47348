"""`aispend export-raw`: the raw layer as Hive-partitioned Parquet that any engine can read.

Every table dbt declares as a source is written, as dbt reads it, under
`<out>/<dbt source>/<dbt table>/` (default `data/export/raw/`): each raw view `raw.<table>` (blocked
loads left out, the file's sha256 added) and the loader's four `ingest.*` tables. Spark, Trino, or
Snowflake and BigQuery external tables read each folder as one table; `_manifest.json` at the root
lists each table's folder, rows, columns and types, and when the export ran.

Partitions. Raw tables are partitioned by `loaded_date=YYYY-MM-DD`, the date of `_loaded_at`,
rather than by a date in the data, because loads are what arrive incrementally: a load's rows share
one `_loaded_at`, so each load lands in one partition and a re-export after new loads rewrites only
the partitions those loads landed in. A date in the data would spread one file (a CUR month
re-delivered, a usage export of 30 days) over many old partitions, and the sources share no such
date. `ingest.file_loads` is partitioned by the `loaded_date` of its `started_at` (which is its rows'
`_loaded_at`), `ingest.quarantine` by its load's, and `ingest.expectation_results` and
`ingest.load_validations` by the `validated_date` of `validated_at`. The price catalogue
(`raw.genai_prices`, the dbt source `genai_prices`), which the loader replaces whole and which has no
load time, is partitioned by `valid_from_date`, the start of each price period. The partition column is in the
folder name only, as the Hive layout has it; engines add it back as a DATE column.

Types. Columns keep their warehouse types: DECIMAL with its precision and scale, BIGINT, DOUBLE,
BOOLEAN, DATE and TIMESTAMP (without time zone; UTC by the warehouse's convention). JSON columns are
written as strings, since engines do not agree on a JSON type. Snappy compression, which all of them
read.

Re-exports. Each export computes, for every partition, its row count and a hash of its rows (one
read of the table in DuckDB, far cheaper than writing it) and compares them with the previous
export's manifest. Only partitions that are new or differ are written, with one COPY per table into a
staging folder, and each is then swapped into place by renaming its folder (a reader never sees half
a partition); partitions that no longer hold rows (a load blocked since the last export) are removed.
Content decides, not load ids, so the result equals a fresh export whatever changed (new loads, a
load blocked, a column added to a source) and rows are never duplicated. An
export that was interrupted leaves its staging folder behind; the next one then trusts nothing from
the manifest and rewrites every partition.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest.registry import SOURCES
from ingest.spec import quote, sql_string
from ingest.warehouse import INGEST_SCHEMA, RAW_SCHEMA
from orchestration.paths import DataPaths
from orchestration.pipeline import LOADER_MEMORY_LIMIT, PipelineError, warehouse_connection

MANIFEST = "_manifest.json"
MANIFEST_FORMAT = 1
# Engines skip folders whose names start with a dot, so a half-done export is never read as data.
STAGING = ".staging"
# Spark's own file naming; a rewritten partition gets new names, so no engine's cache mistakes old for new.
FILE_PATTERN = "part-{uuid}"


class ExportFailed(PipelineError):
    """The raw layer could not be exported; the message says why."""

    step = "export"


@dataclass(frozen=True)
class SourceTable:
    """One dbt source table: the relation it is read from and the timestamp that dates its rows."""

    source: str
    table: str
    schema: str
    identifier: str
    partition_column: str
    # SQL over the relation (as `exported`) and the join below, giving the timestamp to partition by.
    partition_from: str
    join: str = ""

    @property
    def name(self) -> str:
        """`<dbt source>/<dbt table>`, which is also its folder under the export root."""
        return f"{self.source}/{self.table}"

    @property
    def relation(self) -> str:
        """The relation as written in SQL."""
        return f"{quote(self.schema)}.{quote(self.identifier)}"


def source_tables() -> list[SourceTable]:
    """Every dbt source table: each raw source's view, the price catalogue, then the four ingest tables."""
    raw = [
        SourceTable(
            spec.name, spec.source_table, RAW_SCHEMA, spec.table, "loaded_date", "exported._loaded_at"
        )
        for spec in SOURCES
    ]
    # The price catalogue has no load time: the loader replaces it whole when the installed genai-prices
    # changes. It is partitioned by the start of each price period, so a new catalogue rewrites only the
    # periods whose prices changed.
    catalogue = SourceTable(
        "genai_prices", "model_prices", RAW_SCHEMA, "genai_prices", "valid_from_date", "exported.valid_from"
    )
    load_of_row = (
        f"left join {INGEST_SCHEMA}.file_loads as file_loads on exported.load_id = file_loads.load_id"
    )
    ingest = [
        _ingest_table("file_loads", "loaded_date", "exported.started_at"),
        _ingest_table("quarantine", "loaded_date", "file_loads.started_at", load_of_row),
        _ingest_table("expectation_results", "validated_date", "exported.validated_at"),
        _ingest_table("load_validations", "validated_date", "exported.validated_at"),
    ]
    return [*raw, catalogue, *ingest]


def _ingest_table(table: str, partition_column: str, partition_from: str, join: str = "") -> SourceTable:
    # The loader's records are the dbt source `ingest`, read from the schema of the same name.
    return SourceTable("ingest", table, INGEST_SCHEMA, table, partition_column, partition_from, join)


@dataclass(frozen=True)
class ExportedTable:
    """What one export did to one table's folder."""

    source: str
    table: str
    path: Path
    rows: int
    partitions: int
    written: int
    removed: int


@dataclass(frozen=True)
class RawExport:
    """One export: where it went, when, and each table's counts."""

    path: Path
    manifest: Path
    exported_at: datetime
    tables: list[ExportedTable]

    @property
    def rows(self) -> int:
        """Rows in the export, all tables together."""
        return sum(t.rows for t in self.tables)

    @property
    def partitions(self) -> int:
        """Partition folders in the export."""
        return sum(t.partitions for t in self.tables)

    @property
    def written(self) -> int:
        """Partition folders this export wrote."""
        return sum(t.written for t in self.tables)

    @property
    def removed(self) -> int:
        """Partition folders this export removed because they no longer hold rows."""
        return sum(t.removed for t in self.tables)


def default_out(paths: DataPaths) -> Path:
    """Where `aispend export-raw` writes unless told otherwise: export/raw/ in the data folder."""
    return paths.export / "raw"


def export_raw(
    paths: DataPaths,
    out: Path | None = None,
    progress: Callable[[ExportedTable], None] = lambda _table: None,
) -> RawExport:
    """Export every dbt source table to Parquet under `out` (default export/raw/); return the counts.

    `progress` hears each table once it is exported.
    """
    if not paths.warehouse.exists():
        raise ExportFailed(f"no warehouse at {paths.warehouse}: run `aispend ingest` first")
    out = (out or default_out(paths)).resolve()
    out.mkdir(parents=True, exist_ok=True)
    staging = out / STAGING
    previous = {} if staging.exists() else _previous_tables(out / MANIFEST)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    exported_at = datetime.now(UTC)
    entries, results = [], []
    with warehouse_connection(paths, read_only=True) as con:
        # COPY streams the rows to files; without insertion order it never needs a table in memory.
        con.execute(f"set memory_limit = '{LOADER_MEMORY_LIMIT}'")
        con.execute("set preserve_insertion_order = false")
        for table in source_tables():
            entry, result = _export_table(con, table, out, staging, previous.get(table.name))
            entries.append(entry)
            results.append(result)
            progress(result)
    manifest = {
        "format": MANIFEST_FORMAT,
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "warehouse": str(paths.warehouse),
        "layout": "<source>/<table>/<partition_column>=YYYY-MM-DD/part-<uuid>.parquet",
        "tables": entries,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    (staging / MANIFEST).replace(out / MANIFEST)
    shutil.rmtree(staging)
    return RawExport(out, out / MANIFEST, exported_at, results)


def _previous_tables(manifest: Path) -> dict[str, dict]:
    """The previous export's tables by name; empty when there is none or it cannot be trusted."""
    try:
        previous = json.loads(manifest.read_text())
        if previous["format"] != MANIFEST_FORMAT:
            return {}
        return {entry["path"]: entry for entry in previous["tables"]}
    except (OSError, ValueError, LookupError, TypeError):
        return {}


def _export_table(
    con: duckdb.DuckDBPyConnection, table: SourceTable, out: Path, staging: Path, previous: dict | None
) -> tuple[dict, ExportedTable]:
    """Bring one table's folder up to date; return its manifest entry and what was done."""
    columns = _columns(con, table)
    select = _select_sql(table, columns)
    current = _partition_states(con, table, select, [name for name, _type in columns])
    target = out / table.source / table.table
    target.mkdir(parents=True, exist_ok=True)
    folders = {f"{table.partition_column}={value}": value for value in current}
    before = {}
    if previous is not None and previous.get("columns") == _columns_entry(columns):
        before = {p["value"]: (p["rows"], p["fingerprint"]) for p in previous.get("partitions", [])}
    changed = [
        value
        for folder, value in folders.items()
        if before.get(value) != current[value] or not (target / folder).is_dir()
    ]
    if changed:
        _write_partitions(con, table, select, changed, len(changed) == len(current), staging, target)
    stale = [path for path in target.iterdir() if path.name not in folders]
    for path in stale:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    rows = sum(count for count, _fingerprint in current.values())
    entry = {
        "source": table.source,
        "table": table.table,
        "path": table.name,
        "relation": f"{table.schema}.{table.identifier}",
        "rows": rows,
        "partition_column": table.partition_column,
        "partition_type": "DATE",
        "columns": _columns_entry(columns),
        "partitions": [
            {"value": value, "rows": count, "fingerprint": fingerprint}
            for value, (count, fingerprint) in sorted(current.items())
        ],
    }
    result = ExportedTable(table.source, table.table, target, rows, len(current), len(changed), len(stale))
    return entry, result


def _columns(con: duckdb.DuckDBPyConnection, table: SourceTable) -> list[tuple[str, str]]:
    """(name, warehouse type) of the relation's columns, in order."""
    try:
        described = con.execute(f"describe select * from {table.relation}").fetchall()
    except duckdb.CatalogException as exc:
        raise ExportFailed(
            f"the warehouse has no {table.schema}.{table.identifier} (dbt source {table.name}): "
            "run `aispend ingest` once with this version of aispend"
        ) from exc
    columns = [(row[0], row[1]) for row in described]
    if table.partition_column in {name for name, _type in columns}:
        raise ExportFailed(
            f"{table.schema}.{table.identifier} has a column named {table.partition_column}, "
            "the name of its partition column"
        )
    return columns


def _exported_type(warehouse_type: str) -> str:
    """The column's type in Parquet: the warehouse's, except that JSON is written as a string."""
    return "VARCHAR" if warehouse_type == "JSON" else warehouse_type


def _columns_entry(columns: list[tuple[str, str]]) -> list[dict]:
    """The manifest's description of columns: name and type as written, and the warehouse's if it differs."""
    entries = []
    for name, type_ in columns:
        entry = {"name": name, "type": _exported_type(type_)}
        if _exported_type(type_) != type_:
            entry["warehouse_type"] = type_
        entries.append(entry)
    return entries


def _select_sql(table: SourceTable, columns: list[tuple[str, str]]) -> str:
    """The rows as exported, with their partition date as the last column."""
    values = [
        f"cast(exported.{quote(name)} as varchar) as {quote(name)}"
        if _exported_type(type_) != type_
        else f"exported.{quote(name)}"
        for name, type_ in columns
    ]
    partition = f"cast({table.partition_from} as date) as {quote(table.partition_column)}"
    return f"select {', '.join([*values, partition])} from {table.relation} as exported {table.join}"


def _partition_states(
    con: duckdb.DuckDBPyConnection, table: SourceTable, select: str, names: list[str]
) -> dict[str, tuple[int, str]]:
    """Each partition's (rows, fingerprint), by its date as YYYY-MM-DD."""
    partition = quote(table.partition_column)
    rows = con.execute(
        f"select {partition}, count(*), sum(hash({', '.join(quote(n) for n in names)}))::varchar "
        f"from ({select}) group by {partition}"
    ).fetchall()
    undated = sum(count for value, count, _fingerprint in rows if value is None)
    if undated:
        raise ExportFailed(
            f"{undated} row(s) of {table.schema}.{table.identifier} have no {table.partition_from}, "
            "so they belong to no partition"
        )
    return {value.isoformat(): (count, fingerprint) for value, count, fingerprint in rows}


def _write_partitions(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    select: str,
    values: list[str],
    every_partition: bool,
    staging: Path,
    target: Path,
) -> None:
    """Write the partitions of these dates with one COPY, then swap each folder into place."""
    written = staging / "new" / table.source / table.table
    replaced = staging / "replaced" / table.source / table.table
    replaced.mkdir(parents=True)
    written.parent.mkdir(parents=True, exist_ok=True)
    partition = quote(table.partition_column)
    dates = ", ".join(f"date {sql_string(value)}" for value in values)
    where = "" if every_partition else f" where {partition} in ({dates})"
    con.execute(
        f"copy (select * from ({select}){where}) to {sql_string(str(written))} "
        f"(format parquet, compression snappy, partition_by ({partition}), "
        f"filename_pattern {sql_string(FILE_PATTERN)})"
    )
    for value in values:
        folder = f"{table.partition_column}={value}"
        if (target / folder).exists():
            (target / folder).rename(replaced / folder)
        (written / folder).rename(target / folder)
