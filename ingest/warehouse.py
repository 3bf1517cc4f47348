"""The raw layer's tables: one per source, plus the load record and the quarantine.

`ingest.file_loads` has one row per landed file the loader looked at; `ingest.quarantine` has one
row per record that could not be loaded. The validation step (orchestration/validation.py) writes
`ingest.expectation_results`, one row per expectation checked on a raw table's new loads, and
`ingest.load_validations`, one verdict per load. A load blocked by a critical expectation stays
in its raw table for inspection but out of the view dbt reads.

Each source's rows are stored in `raw.<table>__rows`; readers use the view `raw.<table>`, which
adds the file's sha256 from its load record, so every row carries its full lineage (source, file,
sha256, row number, load id, loaded-at) while the loader hashes the file at the same time as it
loads it. Raw tables gain columns when a spec grows, never lose them.
"""

from __future__ import annotations

import duckdb

from ingest.redact import scrub_macros_sql
from ingest.spec import SourceSpec, quote

RAW_SCHEMA = "raw"
INGEST_SCHEMA = "ingest"

FILE_LOADS_DDL = f"""
create table if not exists {INGEST_SCHEMA}.file_loads (
    load_id varchar primary key,
    source varchar not null,
    file varchar not null,
    sha256 varchar,
    size_bytes bigint not null,
    modified_at timestamp not null,
    status varchar not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    extra_columns varchar,
    error varchar,
    started_at timestamp not null,
    finished_at timestamp not null
)
"""

QUARANTINE_DDL = f"""
create table if not exists {INGEST_SCHEMA}.quarantine (
    load_id varchar not null,
    source varchar not null,
    file varchar not null,
    file_sha256 varchar not null,
    row_number bigint not null,
    reason varchar not null,
    raw_text varchar
)
"""

EXPECTATION_RESULTS_DDL = f"""
create table if not exists {INGEST_SCHEMA}.expectation_results (
    validation_id varchar not null,
    validated_at timestamp not null,
    source varchar not null,
    raw_table varchar not null,
    suite varchar not null,
    expectation varchar not null,
    column_name varchar,
    description varchar not null,
    severity varchar not null,
    success boolean not null,
    loads_checked bigint not null,
    rows_checked bigint not null,
    rows_failed bigint not null,
    failed_examples varchar
)
"""

LOAD_VALIDATIONS_DDL = f"""
create table if not exists {INGEST_SCHEMA}.load_validations (
    load_id varchar not null,
    validation_id varchar not null,
    validated_at timestamp not null,
    status varchar not null,
    problems varchar
)
"""

SQL_MACROS = [
    # Text to a UTC timestamp: naive text is read as UTC, an offset is converted to UTC. The plain
    # cast, fast, is used only where no offset can be: it would silently drop one.
    """create or replace temp macro aispend_timestamp(v) as
        case when v[11] = ' ' and (length(v) = 19 or (length(v) = 26 and v[20] = '.'))
            then try_cast(v as timestamp)
            else timezone('UTC', try_cast(v as timestamptz)) end""",
    # A whole number, even when written "10.0" or "1e3"; NULL for 10.5 or text, never rounded
    # (a plain cast to BIGINT would round 10.5 to 11).
    """create or replace temp macro aispend_whole_number(v) as
        coalesce(
            case when not contains(v, '.') then try_cast(v as bigint) end,
            case when try_cast(v as decimal(38, 6)) = trunc(try_cast(v as decimal(38, 6)))
                then try_cast(try_cast(v as decimal(38, 6)) as bigint) end
        )""",
    *scrub_macros_sql(),
]


def prepare(con: duckdb.DuckDBPyConnection, specs: list[SourceSpec]) -> None:
    """Create schemas and tables that are missing, add new spec columns, and define load macros."""
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(f"create schema if not exists {INGEST_SCHEMA}")
    con.execute(FILE_LOADS_DDL)
    con.execute(QUARANTINE_DDL)
    con.execute(EXPECTATION_RESULTS_DDL)
    con.execute(LOAD_VALIDATIONS_DDL)
    for macro in SQL_MACROS:
        con.execute(macro)
    for spec in specs:
        _ensure_raw_table(con, spec)


def raw_table(spec: SourceSpec) -> str:
    """The quoted, schema-qualified table the loader writes a source's rows to."""
    return f"{RAW_SCHEMA}.{quote(spec.table + '__rows')}"


def raw_view(spec: SourceSpec) -> str:
    """The quoted, schema-qualified relation readers use: the rows with their file's sha256."""
    return f"{RAW_SCHEMA}.{quote(spec.table)}"


def _ensure_raw_table(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    columns = spec.raw_columns()
    existing = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, spec.table + "__rows"],
        ).fetchall()
    }
    if not existing:
        body = ", ".join(f"{quote(name)} {type_}" for name, type_ in columns)
        con.execute(f"create table {raw_table(spec)} ({body})")
    for name, type_ in columns:
        if existing and name not in existing:
            con.execute(f"alter table {raw_table(spec)} add column {quote(name)} {type_}")
    con.execute(
        f"""create or replace view {raw_view(spec)} as
        select loaded.*, file_loads.sha256 as _file_sha256
        from {raw_table(spec)} as loaded
        inner join {INGEST_SCHEMA}.file_loads as file_loads on loaded._load_id = file_loads.load_id
        where loaded._load_id not in (
            select load_id from {INGEST_SCHEMA}.load_validations where status = 'blocked'
        )"""
    )
