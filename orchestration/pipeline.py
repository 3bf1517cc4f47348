"""The pipeline's steps: ingest, validate, build, publish. The CLI and Dagster both call these."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from ingest.loader import FileLoad, Progress, file_statuses, first_quarantined_rows, ingest_landing
from ingest.price_catalogue import load_catalogue
from ingest.registry import SOURCES
from ingest.warehouse import prepare
from orchestration.dbt import remove_build_scratch, run_dbt
from orchestration.paths import DataPaths
from orchestration.publish import Published, publish
from orchestration.unit_tests import remember_unit_tests, unit_test_args
from orchestration.validation import BlockedFile, Validation, blocked_files, describe, validate_new_loads

# DuckDB's own limit for the loader; with Python and Arrow buffers the process stays under 1 GB.
LOADER_MEMORY_LIMIT = "600MB"


class PipelineError(Exception):
    """A step failed; the message says which and what to do."""

    step = "build"


class WarehouseBusy(PipelineError):
    """Another process has the warehouse open for writing."""

    step = "ingest"


class ValidationFailed(PipelineError):
    """A critical expectation failed on a landed file: nothing is built or published."""

    step = "validate"


@contextmanager
def warehouse_connection(paths: DataPaths, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse file; explains a lock held by another process."""
    paths.root.mkdir(parents=True, exist_ok=True)
    config = {} if read_only else {"memory_limit": LOADER_MEMORY_LIMIT}
    try:
        con = duckdb.connect(str(paths.warehouse), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(
                f"{paths.warehouse} is in use by another aispend process; wait for it to finish. ({exc})"
            ) from exc
        raise
    try:
        yield con
    finally:
        con.close()


def ingest(
    paths: DataPaths,
    progress: Progress = lambda _load, _done, _total: None,
    only: Iterable[str] | None = None,
) -> list[FileLoad]:
    """Load every new landed file (of the `only` sources, if given); return what happened to each."""
    paths.landing.mkdir(parents=True, exist_ok=True)
    with warehouse_connection(paths) as con:
        load_catalogue(con)
        return ingest_landing(con, paths.landing, SOURCES, progress, only)


def validate_loads(
    paths: DataPaths, only: Iterable[str] | None = None
) -> tuple[Validation, list[BlockedFile]]:
    """Validate new loads (of the `only` sources' folders); return it with the files still blocked."""
    if not paths.warehouse.exists():
        raise PipelineError(f"no warehouse at {paths.warehouse}: run `aispend ingest` first")
    folders = None if only is None else set(only)
    specs = [spec for spec in SOURCES if folders is None or spec.name in folders]
    with warehouse_connection(paths) as con:
        prepare(con, list(SOURCES))
        validation = validate_new_loads(con, paths.quality, specs)
        blocked = blocked_files(con, paths.landing)
    return validation, [b for b in blocked if folders is None or b.file.split("/", 1)[0] in folders]


def validate(paths: DataPaths) -> Validation:
    """Validate new loads; raise ValidationFailed while any landed file is blocked."""
    validation, blocked = validate_loads(paths)
    if blocked:
        found = [describe(outcome) for outcome in validation.critical_failures]
        lines = found or [f"{b.file}: {b.problems}" for b in blocked]
        raise ValidationFailed(
            f"{len(blocked)} landed file(s) broke a critical expectation, so nothing was built and the "
            "published copy was left as it was:\n  "
            + "\n  ".join(lines)
            + "\nFix: land a corrected file under the same name (or remove the file), then run again. "
            f"Blocked: {', '.join(b.file for b in blocked)}. Data docs: {validation.docs}"
        )
    return validation


def build(paths: DataPaths, echo: Callable[[str], None] = print, full_refresh: bool = False) -> None:
    """Run `dbt build` (models, unit tests and data tests); raise when anything fails.

    Unit tests that passed on this exact project code before are left out (see `unit_tests`).
    `full_refresh` rebuilds the incremental marts from every raw row, as after a model change.
    """
    if not paths.warehouse.exists():
        raise PipelineError(f"no warehouse at {paths.warehouse}: run `aispend ingest` first")
    fingerprint, unit_tests = unit_test_args(paths, echo)
    code = run_dbt("build", paths, (["--full-refresh"] if full_refresh else []) + unit_tests, echo=echo)
    if code != 0:
        raise PipelineError(
            f"dbt build failed (exit code {code}); the published copy was left as it was. "
            f"Read the errors above, or the log in {paths.logs}; the intermediate tables are "
            f"in {paths.build_scratch} until the next build passes."
        )
    remove_build_scratch(paths)
    remember_unit_tests(paths, fingerprint, paths.dbt_target)


def file_statuses_of(paths: DataPaths, quarantined_per_file: int = 0) -> list[dict]:
    """The latest record of every landed file; with `quarantined_per_file`, each record's first
    quarantined rows (line number, reason) under "quarantined_rows"."""
    with warehouse_connection(paths, read_only=True) as con:
        if not con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'ingest' and table_name = 'file_loads'"
        ).fetchone()[0]:
            return []
        records = file_statuses(con)
        if quarantined_per_file:
            shown = first_quarantined_rows(con, quarantined_per_file)
            for record in records:
                record["quarantined_rows"] = shown.get(record["load_id"], [])
        return records


def publish_serving_copy(paths: DataPaths) -> Published:
    """Replace the serving copy with the warehouse's marts."""
    return publish(paths.warehouse, paths.serving)


@dataclass(frozen=True)
class RunResult:
    loads: list[FileLoad]
    validation: Validation
    published: Published

    @property
    def rejected(self) -> list[FileLoad]:
        return [load for load in self.loads if load.status == "rejected"]


def run(
    paths: DataPaths,
    progress: Progress = lambda _load, _done, _total: None,
    echo: Callable[[str], None] = print,
    ingested: Callable[[list[FileLoad]], None] = lambda _loads: None,
    validated: Callable[[Validation], None] = lambda _validation: None,
) -> RunResult:
    """Ingest, validate, build and publish: what the scheduled job does.

    `ingested` hears the loads and `validated` the validation before the build starts.
    """
    loads = ingest(paths, progress)
    ingested(loads)
    validation = validate(paths)
    validated(validation)
    build(paths, echo)
    return RunResult(loads, validation, publish_serving_copy(paths))
