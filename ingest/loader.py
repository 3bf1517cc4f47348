"""Load landed files into the raw layer: each file whole or not at all, every row accounted for.

For each new file under `landing/<source>/`, one transaction inserts its loadable rows into the
source's raw table, its unloadable rows into `ingest.quarantine` and one record into
`ingest.file_loads`, so that rows_read = rows_loaded + rows_quarantined. A file that cannot be read
as a whole is rejected: nothing of it loads, its record says why. A file whose bytes were loaded
before under another name is recorded as a duplicate and loads nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest import records as readers
from ingest.errors import RejectedFile
from ingest.redact import redact_raw_text
from ingest.spec import SourceSpec, projection_sql, quote
from ingest.warehouse import INGEST_SCHEMA, prepare, raw_table

# Names of files still being written, or hidden: never loaded.
PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload")
QUARANTINE_FETCH_ROWS = 10_000


@dataclass(frozen=True)
class FileLoad:
    """What happened to one landed file."""

    load_id: str
    source: str
    file: str
    sha256: str | None
    size_bytes: int
    modified_at: datetime
    status: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    extra_columns: str | None
    error: str | None
    started_at: datetime
    finished_at: datetime


def utc_now() -> datetime:
    """The current UTC time as a naive timestamp, the warehouse's convention."""
    return datetime.now(UTC).replace(tzinfo=None)


def landed_files(landing_dir: Path) -> list[Path]:
    """Every complete file under the landing folder, in a stable order."""
    if not landing_dir.exists():
        return []
    return sorted(
        p
        for p in landing_dir.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(landing_dir).parts)
        and not p.name.endswith(PARTIAL_SUFFIXES)
    )


Progress = Callable[[FileLoad, int, int], None]


def ingest_landing(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    specs: Iterable[SourceSpec],
    progress: Progress = lambda _load, _done, _total: None,
    only: Iterable[str] | None = None,
) -> list[FileLoad]:
    """Load every file not seen before (by path, size and modification time); return their records.

    `only` limits the run to those sources' folders; otherwise files in folders that are not a
    source are recorded as rejected. `progress` gets each file's record with the count done so
    far and the count to do.
    """
    by_folder: dict[str, list[SourceSpec]] = {}
    for spec in specs:
        by_folder.setdefault(spec.name, []).append(spec)
    prepare(con, [spec for folder_specs in by_folder.values() for spec in folder_specs])
    folders = set(only) if only is not None else None
    pending = [
        path
        for path in landed_files(landing_dir)
        if (folders is None or _folder(landing_dir, path) in folders)
        and not _seen_before(con, landing_dir, path)
    ]
    loads = []
    for path in pending:
        folder = _folder(landing_dir, path)
        if folder not in by_folder:
            load = _record_unknown_folder(con, landing_dir, path, folder, sorted(by_folder))
        elif (spec := spec_for_file(by_folder[folder], path.name)) is None:
            load = _record_unclaimed_file(con, landing_dir, path, by_folder[folder])
        else:
            load = load_file(con, spec, landing_dir, path)
        loads.append(load)
        progress(load, len(loads), len(pending))
    return loads


def _folder(landing_dir: Path, path: Path) -> str:
    parts = path.relative_to(landing_dir).parts
    return parts[0] if len(parts) > 1 else ""


def _seen_before(con: duckdb.DuckDBPyConnection, landing_dir: Path, path: Path) -> bool:
    stat = path.stat()
    row = con.execute(
        f"select count(*) from {INGEST_SCHEMA}.file_loads "
        "where file = ? and size_bytes = ? and modified_at = ?",
        [_relative(landing_dir, path), stat.st_size, _mtime(path)],
    ).fetchone()
    return bool(row and row[0])


def _relative(landing_dir: Path, path: Path) -> str:
    return path.relative_to(landing_dir).as_posix()


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


def _new_load_id(started_at: datetime) -> str:
    return f"{started_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}"


def spec_for_file(specs: list[SourceSpec], file_name: str) -> SourceSpec | None:
    """The spec of a folder that loads a file of that name: a named pattern first, then the catch-all."""
    named = [spec for spec in specs if spec.file_pattern is not None and spec.claims(file_name)]
    if named:
        return named[0]
    return next((spec for spec in specs if spec.file_pattern is None), None)


def _record_unclaimed_file(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, path: Path, specs: list[SourceSpec]
) -> FileLoad:
    expected = ", ".join(spec.file_pattern for spec in specs if spec.file_pattern)
    return _record_rejection(
        con,
        landing_dir,
        path,
        specs[0].name,
        f"no {specs[0].name} file is named like this; expected: {expected}",
    )


def _record_unknown_folder(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, path: Path, folder: str, known: list[str]
) -> FileLoad:
    where = f"folder '{folder}'" if folder else "the landing folder itself"
    return _record_rejection(
        con,
        landing_dir,
        path,
        folder or "(none)",
        f"{where} is not a source; move the file into one of: {', '.join(known)}",
    )


def _record_rejection(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, path: Path, source: str, error: str
) -> FileLoad:
    started = utc_now()
    load = FileLoad(
        load_id=_new_load_id(started),
        source=source,
        file=_relative(landing_dir, path),
        sha256=readers.file_sha256(path),
        size_bytes=path.stat().st_size,
        modified_at=_mtime(path),
        status="rejected",
        rows_read=0,
        rows_loaded=0,
        rows_quarantined=0,
        extra_columns=None,
        error=error,
        started_at=started,
        finished_at=utc_now(),
    )
    _insert_file_load(con, load)
    return load


def load_file(con: duckdb.DuckDBPyConnection, spec: SourceSpec, landing_dir: Path, path: Path) -> FileLoad:
    """Load one file in one transaction and return its record; never raises for bad input.

    The file's sha256 is computed in a background thread while DuckDB loads it (hashing a large
    file costs as much as a third of loading it); a file whose bytes were loaded before is then
    rolled back and recorded as a duplicate.
    """
    started = utc_now()
    load_id = _new_load_id(started)
    rel = _relative(landing_dir, path)
    base = {
        "load_id": load_id,
        "source": spec.name,
        "file": rel,
        "size_bytes": path.stat().st_size,
        "modified_at": _mtime(path),
        "started_at": started,
    }
    with ThreadPoolExecutor(max_workers=1) as hasher:
        sha_future = hasher.submit(readers.file_sha256, path)
        # Filter pushdown would copy each row's JSON parse into every predicate of the split below;
        # rows carry their own row numbers, so insertion order need not be kept.
        con.execute("set disabled_optimizers = 'filter_pushdown'")
        con.execute("set preserve_insertion_order = false")
        con.execute("begin transaction")
        try:
            counts = _load_rows(con, spec, path, load_id, rel, started)
            sha = sha_future.result()
        except RejectedFile as exc:
            con.execute("rollback")
            return _record(con, {**base, "sha256": _digest_or_none(sha_future)}, "rejected", error=str(exc))
        except BaseException:
            con.execute("rollback")
            raise
        finally:
            con.execute("reset disabled_optimizers")
            con.execute("reset preserve_insertion_order")
    duplicate_of = _loaded_file_with_sha(con, sha) if spec.same_bytes_are_duplicates else None
    if duplicate_of:
        con.execute("rollback")
        return _record(
            con,
            {**base, "sha256": sha},
            "duplicate",
            error=f"same bytes as {duplicate_of}, already loaded; nothing loaded again",
        )
    rows_read, rows_loaded, rows_quarantined, extras = counts
    if rows_quarantined:
        _set_quarantine_sha(con, load_id, sha)
    load = _record(
        con,
        {**base, "sha256": sha},
        "loaded",
        rows=(rows_read, rows_loaded, rows_quarantined),
        extra_columns=extras,
    )
    con.execute("commit")
    return load


def _digest_or_none(future: Future[str]) -> str | None:
    # A file that cannot be read cannot be hashed either; its rejection says why.
    try:
        return future.result()
    except OSError:
        return None


def _record(
    con: duckdb.DuckDBPyConnection,
    base: dict,
    status: str,
    rows: tuple[int, int, int] = (0, 0, 0),
    extra_columns: str | None = None,
    error: str | None = None,
) -> FileLoad:
    load = FileLoad(
        **base,
        status=status,
        rows_read=rows[0],
        rows_loaded=rows[1],
        rows_quarantined=rows[2],
        extra_columns=extra_columns,
        error=error,
        finished_at=utc_now(),
    )
    _insert_file_load(con, load)
    return load


def _loaded_file_with_sha(con: duckdb.DuckDBPyConnection, sha: str) -> str | None:
    row = con.execute(
        f"select file from {INGEST_SCHEMA}.file_loads where sha256 = ? and status = 'loaded' "
        "order by started_at limit 1",
        [sha],
    ).fetchone()
    return row[0] if row else None


def open_records(spec: SourceSpec, path: Path) -> readers.Records:
    """The file's records, read by the source's own reader or by file extension."""
    if spec.reader is not None:
        return spec.reader(path)
    return readers.read_by_extension(path)


def _load_rows(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    path: Path,
    load_id: str,
    rel: str,
    loaded_at: datetime,
) -> tuple[int, int, int, str | None]:
    lineage = [spec.name, rel, load_id, loaded_at]
    records = open_records(spec, path)
    _require_columns(spec, records)
    kept_extras = records.kind == "csv"
    inserted = _insert_loadable(con, spec, records, lineage, keep_extras=kept_extras)
    if records.kind == "json" and records.sampled_keys - set(spec.known_keys):
        # Sampled records carry keys the spec does not know: load again, keeping them in `_extra`.
        con.execute(f"delete from {raw_table(spec)} where _load_id = ?", [load_id])
        records = open_records(spec, path)
        kept_extras = True
        inserted = _insert_loadable(con, spec, records, lineage, keep_extras=True)
    rows_read = records.rows_read
    if rows_read == 0:
        if records.empty_ok:
            return 0, 0, 0, None
        raise RejectedFile("the file holds no records")
    quarantined = list(records.bad_rows)
    if inserted + len(quarantined) < rows_read:
        quarantined = _unloadable_rows(con, spec, path)
    if inserted == 0:
        line, reason, _ = min(quarantined)
        raise RejectedFile(
            f"none of its {rows_read} records could be loaded as {spec.name} rows; "
            f"first problem, line {line}: {reason}"
        )
    _insert_quarantine(con, spec, rel, load_id, quarantined)
    if inserted + len(quarantined) != rows_read:
        raise RuntimeError(
            f"{rel}: read {rows_read} rows but loaded {inserted} and quarantined {len(quarantined)}"
        )
    extras = _extra_columns(con, spec, records, load_id) if kept_extras else None
    return rows_read, inserted, len(quarantined), extras


def _insert_loadable(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    records: readers.Records,
    lineage: list,
    keep_extras: bool,
) -> int:
    """Insert the loadable records with their lineage (source, file, load id, loaded-at)."""
    select = projection_sql(spec, records.kind, records.columns, keep_extras=keep_extras)
    columns = ", ".join(quote(name) for name, _ in spec.raw_columns())
    source_columns = ", ".join(quote(f.name) for f in spec.fields)
    with _scanning(con, records):
        return con.execute(
            f"insert into {raw_table(spec)} ({columns}) "
            f"select {source_columns}, _extra, ?, ?, rn, ?, ? from ({select}) where _reason is null",
            lineage,
        ).fetchone()[0]


def _require_columns(spec: SourceSpec, records: readers.Records) -> None:
    if records.kind != "csv":
        return
    missing = [k for k in spec.required_keys if k not in records.columns]
    if missing:
        raise RejectedFile(
            f"missing required column(s) {', '.join(missing)}; the header has: {', '.join(records.columns)}"
        )


def _unloadable_rows(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: Path
) -> list[tuple[int, str, str]]:
    """Second read of a file that had bad rows: each with its row number, reason and raw text."""
    records = open_records(spec, path)
    rows = []
    with _scanning(con, records):
        select = projection_sql(spec, records.kind, records.columns, keep_extras=False)
        result = con.execute(
            f"select rn, _reason, _raw from ({select}) where _reason is not null order by rn"
        )
        while chunk := result.fetchmany(QUARANTINE_FETCH_ROWS):
            rows.extend(chunk)
    return sorted(rows + records.bad_rows)


@contextmanager
def _scanning(con: duckdb.DuckDBPyConnection, records: readers.Records) -> Iterator[None]:
    """Expose the records to SQL as `_records`; a read failure surfaces as the file's rejection."""
    con.register("_records", records.arrow_reader())
    try:
        yield
    except duckdb.Error as exc:
        if records.failure is not None:
            raise records.failure from exc
        raise


def _insert_quarantine(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    rel: str,
    load_id: str,
    rows: list[tuple[int, str, str]],
) -> None:
    if not rows:
        return
    table = pa.table(
        {
            "load_id": [load_id] * len(rows),
            "source": [spec.name] * len(rows),
            "file": [rel] * len(rows),
            "file_sha256": [""] * len(rows),
            "row_number": [r[0] for r in rows],
            "reason": [r[1] for r in rows],
            "raw_text": [redact_raw_text(r[2]) if r[2] is not None else None for r in rows],
        }
    )
    con.register("_quarantine", table)
    con.execute(f"insert into {INGEST_SCHEMA}.quarantine select * from _quarantine")


def _set_quarantine_sha(con: duckdb.DuckDBPyConnection, load_id: str, sha: str) -> None:
    # Quarantined rows are few; they get the sha once the hash is done.
    con.execute(f"update {INGEST_SCHEMA}.quarantine set file_sha256 = ? where load_id = ?", [sha, load_id])


def _extra_columns(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, records: readers.Records, load_id: str
) -> str | None:
    if records.kind == "csv":
        extras = [c for c in records.columns if c not in spec.known_keys]
    else:
        extras = [
            row[0]
            for row in con.execute(
                f"select distinct unnest(json_keys(_extra)) as k from {raw_table(spec)} "
                "where _load_id = ? and _extra is not null order by k",
                [load_id],
            ).fetchall()
        ]
    return ", ".join(extras) or None


def _insert_file_load(con: duckdb.DuckDBPyConnection, load: FileLoad) -> None:
    con.execute(
        f"insert into {INGEST_SCHEMA}.file_loads values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load.load_id,
            load.source,
            load.file,
            load.sha256,
            load.size_bytes,
            load.modified_at,
            load.status,
            load.rows_read,
            load.rows_loaded,
            load.rows_quarantined,
            load.extra_columns,
            load.error,
            load.started_at,
            load.finished_at,
        ],
    )


def file_statuses(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The latest record of every landed file, by source and file name."""
    result = con.execute(
        f"""select * from {INGEST_SCHEMA}.file_loads
        qualify row_number() over (partition by file order by started_at desc) = 1
        order by source, file"""
    )
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def first_quarantined_rows(con: duckdb.DuckDBPyConnection, limit: int) -> dict[str, list[tuple[int, str]]]:
    """Each load's first `limit` quarantined rows, by load id: row (line) number and reason."""
    rows = con.execute(
        f"""select load_id, row_number, reason from {INGEST_SCHEMA}.quarantine
        qualify row_number() over (partition by load_id order by row_number) <= ?
        order by load_id, row_number""",
        [limit],
    ).fetchall()
    shown: dict[str, list[tuple[int, str]]] = {}
    for load_id, number, reason in rows:
        shown.setdefault(load_id, []).append((number, reason))
    return shown
