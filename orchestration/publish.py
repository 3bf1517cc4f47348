"""Publish the serving copy: the marts of a passing build, swapped in atomically.

The new copy is written beside the old one under a temporary name, flushed to disk, then renamed
over it. A reader that opened the old copy keeps reading it; the next one opens the new copy. If
anything fails before the rename, the old copy is untouched and the temporary file is removed.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest.spec import sql_string

PUBLISHED_SCHEMAS = ("marts",)
META_SCHEMA = "meta"


@dataclass(frozen=True)
class Published:
    publish_id: str
    path: Path
    tables: tuple[str, ...]
    published_at: datetime


def publish(warehouse: Path, serving: Path) -> Published:
    """Copy the published schemas of `warehouse` into a new `serving` file, atomically."""
    publish_id = uuid.uuid4().hex
    published_at = datetime.now(UTC).replace(tzinfo=None)
    temporary = serving.with_name(f".{serving.name}.{publish_id}.tmp")
    try:
        tables = _write_copy(warehouse, temporary, publish_id, published_at)
        _fsync(temporary)
        os.replace(temporary, serving)
        _fsync(serving.parent)
    finally:
        temporary.unlink(missing_ok=True)
        Path(f"{temporary}.wal").unlink(missing_ok=True)
    return Published(publish_id, serving, tables, published_at)


def _write_copy(warehouse: Path, target: Path, publish_id: str, published_at: datetime) -> tuple[str, ...]:
    con = duckdb.connect(str(target))
    try:
        con.execute(f"attach {sql_string(str(warehouse))} as warehouse (read_only)")
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = 'warehouse' and table_type = 'BASE TABLE' "
            "and list_contains(?, table_schema) "
            "order by 1, 2",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        for schema, table in tables:
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f'create table "{schema}"."{table}" as select * from warehouse."{schema}"."{table}"')
        con.execute(f"create schema {META_SCHEMA}")
        con.execute(
            f"create table {META_SCHEMA}.publish as "
            "select ?::varchar as publish_id, ?::timestamp as published_at, ?::varchar as warehouse",
            [publish_id, published_at, str(warehouse)],
        )
        con.execute("detach warehouse")
        con.execute("checkpoint")
    finally:
        con.close()
    return tuple(f"{schema}.{table}" for schema, table in tables)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
