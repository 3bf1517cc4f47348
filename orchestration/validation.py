"""Validate new loads with Great Expectations before dbt reads them.

Why pandas batches and not GX's SQL engine: GX's SQL engine over duckdb-engine fails inside
`resolve_metric_bundle` with an IndexError (fivetran/great_expectations issues 10738 and 11579), so
its checks would never run. Instead DuckDB reads each raw table's new rows in batches of at most
`BATCH_ROWS` rows, only the columns an expectation reads, and GX's pandas engine validates each
batch. Memory is bounded by the batch, not the file: a 2-million-row file is ten batches. Rows are
split into batches by a hash of (load, natural key), so rows sharing a key always share a batch and
"unique within a file" is checked exactly.

Every expectation's outcome is recorded in `ingest.expectation_results` and every load gets a
verdict in `ingest.load_validations`: `blocked` (a critical expectation failed on its rows: dbt's
raw views leave it out and the pipeline stops before the build), `warned` or `passed`. GX's own
record of each batch (results and data docs) is kept in the data folder's `quality/`.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from ingest.loader import spec_for_file, utc_now
from ingest.registry import SOURCES
from ingest.spec import SourceSpec, quote
from ingest.warehouse import INGEST_SCHEMA, raw_table
from orchestration.expectations import (
    CRITICAL,
    LOAD_COLUMN,
    ROW_NUMBER_COLUMN,
    checked_fields,
    key_columns,
    load_record_suite,
    raw_table_suite,
    rules_for,
    time_column,
)
from orchestration.gx_import import import_great_expectations

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import ExpectationValidationResult

BATCH_ROWS = 200_000
EXAMPLES = 5
_INDEX = [LOAD_COLUMN, ROW_NUMBER_COLUMN]


@dataclass
class Outcome:
    """One expectation over one raw table's new loads, summed over its batches."""

    source: str
    raw_table: str
    suite: str
    expectation: str
    column_name: str | None
    description: str
    severity: str
    loads_checked: int
    success: bool = True
    rows_checked: int = 0
    rows_failed: int = 0
    # (file, "line N: values") of the first failing rows.
    examples: list[tuple[str, str]] = field(default_factory=list)
    failing_loads: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Validation:
    """What one validation step found."""

    validation_id: str
    validated_at: datetime
    outcomes: list[Outcome]
    # load id -> (file, verdict)
    verdicts: dict[str, tuple[str, str]]
    docs: Path

    @property
    def critical_failures(self) -> list[Outcome]:
        """Failed critical expectations: each blocks the loads it failed on."""
        return [o for o in self.outcomes if not o.success and o.severity == CRITICAL]

    @property
    def warnings(self) -> list[Outcome]:
        """Failed warning expectations: recorded, not blocking."""
        return [o for o in self.outcomes if not o.success and o.severity != CRITICAL]


def docs_index(quality_dir: Path) -> Path:
    """GX's data docs entry page inside the data folder's quality/ folder."""
    return quality_dir / "data_docs" / "index.html"


def validate_new_loads(
    con: duckdb.DuckDBPyConnection,
    quality_dir: Path,
    specs: Iterable[SourceSpec] = SOURCES,
) -> Validation:
    """Validate every loaded file that has no verdict yet; record outcomes and verdicts."""
    validation_id = uuid.uuid4().hex
    validated_at = utc_now()
    pending = [(spec, loads) for spec in specs if (loads := _new_loads(con, spec))]
    # Nothing new (a build after the ingest validated, a run with no new files) needs no GX at all.
    context = _context(quality_dir) if pending else None
    outcomes, verdicts = [], {}
    for spec, loads in pending:
        table_outcomes = _validate_rows(con, context, spec, loads, validated_at)
        table_outcomes += _validate_load_records(con, context, spec, loads)
        outcomes += table_outcomes
        verdicts |= _verdicts(loads, table_outcomes)
    _record(con, validation_id, validated_at, outcomes, verdicts)
    if outcomes:
        context.build_data_docs()
    return Validation(validation_id, validated_at, outcomes, verdicts, docs_index(quality_dir))


def _context(quality_dir: Path) -> Any:
    # GX takes seconds to import; only the validation step pays for it, not every aispend command.
    gx = import_great_expectations()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    quality_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=quality_dir)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.variables.save()
    site = "aispend"
    if site not in (context.variables.data_docs_sites or {}):
        context.add_data_docs_site(
            site_name=site,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_index(quality_dir).parent),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def _new_loads(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> dict[str, str]:
    """Loaded files of the spec's table with no verdict yet, as load id -> file."""
    folder_specs = [s for s in SOURCES if s.name == spec.name]
    rows = con.execute(
        f"""select load_id, file from {INGEST_SCHEMA}.file_loads
        where source = ? and status = 'loaded'
            and load_id not in (select load_id from {INGEST_SCHEMA}.load_validations)
        order by started_at""",
        [spec.name],
    ).fetchall()
    return {
        load_id: file
        for load_id, file in rows
        if spec_for_file(folder_specs, file.rsplit("/", 1)[-1]) is spec
    }


def _batch_sql(spec: SourceSpec, batches: int) -> str:
    rules = rules_for(spec)
    columns = [quote(f.name) for f in checked_fields(spec)]
    columns += [
        f"{sql.replace('{c}', quote(c))} as {quote(time_column(c))}" for c, sql in rules.times.items()
    ]
    columns += [f"upper({quote(c)}) as {quote(c + '__upper')}" for c in rules.currencies]
    keys = ", ".join(quote(k) for k in key_columns(spec))
    return f"""select _load_id as {LOAD_COLUMN}, _row_number as {ROW_NUMBER_COLUMN}, {", ".join(columns)}
        from {raw_table(spec)}
        where list_contains(?, _load_id) and hash(_load_id, {keys}) % {batches} = ?"""


def _validate_rows(
    con: duckdb.DuckDBPyConnection,
    context: Any,
    spec: SourceSpec,
    loads: dict[str, str],
    validated_at: datetime,
) -> list[Outcome]:
    rows = con.execute(
        f"select count(*) from {raw_table(spec)} where list_contains(?, _load_id)", [list(loads)]
    ).fetchone()[0]
    batches = max(1, -(-rows // BATCH_ROWS))
    suite = context.suites.add_or_update(raw_table_suite(spec, validated_at))
    definition = _validation_definition(context, suite, spec.table)
    text = [f.name for f in checked_fields(spec) if f.type.upper() in ("VARCHAR", "JSON")]
    outcomes: dict[str, Outcome] = {}
    sql = _batch_sql(spec, batches)
    for batch in range(batches):
        frame = con.execute(sql, [list(loads), batch]).df()
        # Text arrives as pandas' string dtype, which GX's type check cannot name; as objects
        # GX checks each value's type instead.
        frame = frame.astype(dict.fromkeys(text, object))
        _run(definition, frame, spec, suite.name, loads, outcomes)
    return list(outcomes.values())


def _validate_load_records(
    con: duckdb.DuckDBPyConnection, context: Any, spec: SourceSpec, loads: dict[str, str]
) -> list[Outcome]:
    frame = con.execute(
        f"""select load_id as {LOAD_COLUMN}, 0 as {ROW_NUMBER_COLUMN}, rows_read, rows_loaded,
            rows_quarantined, rows_loaded + rows_quarantined as rows_loaded_or_quarantined,
            (select count(*) from {raw_table(spec)} where _load_id = load_id) as rows_in_raw_table,
            (select count(*) from {INGEST_SCHEMA}.quarantine as q where q.load_id = fl.load_id)
                as rows_in_quarantine
        from {INGEST_SCHEMA}.file_loads as fl
        where list_contains(?, load_id)""",
        [list(loads)],
    ).df()
    suite = load_record_suite()
    suite.name = f"{suite.name}.{spec.table}"
    suite = context.suites.add_or_update(suite)
    outcomes: dict[str, Outcome] = {}
    _run(
        _validation_definition(context, suite, f"{spec.table}_loads"),
        frame,
        spec,
        suite.name,
        loads,
        outcomes,
    )
    return list(outcomes.values())


def _validation_definition(context: Any, suite: Any, asset_name: str) -> Any:
    gx = import_great_expectations()

    source = context.data_sources.add_or_update_pandas("aispend")
    asset = next((a for a in source.assets if a.name == asset_name), None) or source.add_dataframe_asset(
        asset_name
    )
    batch = next((b for b in asset.batch_definitions if b.name == "new_loads"), None)
    batch = batch or asset.add_batch_definition_whole_dataframe("new_loads")
    # Only the latest results of a suite are kept for the data docs; history is in the warehouse.
    # GX files a suite's results under its name split on dots (raw.x -> raw/x).
    stored = Path(context.root_directory) / "uncommitted" / "validations"
    rendered = docs_index(Path(context.root_directory).parent).parent / "validations"
    for results in (stored, rendered):
        shutil.rmtree(results.joinpath(*suite.name.split(".")), ignore_errors=True)
    return context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=suite)
    )


def _run(
    definition: Any,
    frame: pd.DataFrame,
    spec: SourceSpec,
    suite_name: str,
    loads: dict[str, str],
    outcomes: dict[str, Outcome],
) -> None:
    result = definition.run(
        batch_parameters={"dataframe": frame},
        result_format={
            "result_format": "SUMMARY",
            "unexpected_index_column_names": _INDEX,
            "partial_unexpected_count": EXAMPLES,
        },
    )
    for expectation_result in result.results:
        config = expectation_result.expectation_config
        key = f"{config.type}:{config.kwargs.get('column') or config.kwargs.get('column_list')}:{config.id}"
        outcome = outcomes.setdefault(
            key,
            Outcome(
                source=spec.name,
                raw_table=spec.table,
                suite=suite_name,
                expectation=config.type,
                column_name=_columns(config.kwargs),
                description=config.description or config.type,
                severity=str(config.severity.value),
                loads_checked=len(loads),
            ),
        )
        _add(outcome, expectation_result, frame, definition, loads)


def _add(
    outcome: Outcome,
    result: ExpectationValidationResult,
    frame: pd.DataFrame,
    definition: Any,
    loads: dict[str, str],
) -> None:
    details = result.result or {}
    outcome.rows_checked += int(details.get("element_count", len(frame)))
    if result.success:
        return
    outcome.success = False
    if result.exception_info and result.exception_info.get("raised_exception"):
        outcome.rows_failed += len(frame)
        outcome.examples.append(("", str(result.exception_info.get("exception_message"))))
        outcome.failing_loads |= set(frame[LOAD_COLUMN])
        return
    if "unexpected_count" not in details:
        # A check of the whole batch (a column's type): every load in it fails.
        outcome.rows_failed += len(frame)
        outcome.examples.append(("", f"observed {details.get('observed_value')}"))
        outcome.failing_loads |= set(frame[LOAD_COLUMN])
        return
    outcome.rows_failed += int(details["unexpected_count"])
    for row in details.get("partial_unexpected_index_list") or []:
        if len(outcome.examples) < EXAMPLES:
            outcome.examples.append(_example(row, loads))
    outcome.failing_loads |= _failing_loads(definition, frame, result)


def _example(row: dict, loads: dict[str, str]) -> tuple[str, str]:
    """(file, `line N: column=value`) for one failing row."""
    values = ", ".join(f"{_raw_name(k)}={_plain(v)}" for k, v in row.items() if k not in _INDEX)
    return loads.get(row[LOAD_COLUMN], row[LOAD_COLUMN]), f"line {_plain(row[ROW_NUMBER_COLUMN])}: {values}"


def _examples_text(examples: list[tuple[str, str]]) -> str:
    return "; ".join(f"{file} {text}".strip() for file, text in examples)


def _columns(kwargs: dict) -> str | None:
    """The raw column(s) an expectation reads, as the dashboard names them."""
    names = [
        kwargs.get("column"),
        kwargs.get("column_A"),
        kwargs.get("column_B"),
        *kwargs.get("column_list", []),
    ]
    return ", ".join(_raw_name(n) for n in names if n and n != LOAD_COLUMN) or None


def _raw_name(column: str) -> str:
    """The raw column a batch column was computed from."""
    return column.removesuffix("__as_timestamp").removesuffix("__upper")


def _plain(value: Any) -> str:
    return str(value.item() if hasattr(value, "item") else value)


def _failing_loads(definition: Any, frame: pd.DataFrame, result: ExpectationValidationResult) -> set[str]:
    """Every load with a failing row: the expectation again, on this batch, listing all of them."""
    batch = definition.batch_definition.get_batch(batch_parameters={"dataframe": frame})
    complete = batch.validate(
        result.expectation_config.to_domain_obj(),
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [LOAD_COLUMN]},
    )
    return {row[LOAD_COLUMN] for row in complete.result.get("unexpected_index_list") or []}


def _verdicts(loads: dict[str, str], outcomes: list[Outcome]) -> dict[str, tuple[str, str]]:
    """Each load's (file, verdict): blocked by a critical failure, warned by a warning, else passed."""
    verdicts = dict.fromkeys(loads, "passed")
    for outcome in outcomes:
        for load_id in outcome.failing_loads & set(loads):
            if outcome.severity == CRITICAL:
                verdicts[load_id] = "blocked"
            elif verdicts[load_id] == "passed":
                verdicts[load_id] = "warned"
    return {load_id: (loads[load_id], verdict) for load_id, verdict in verdicts.items()}


def _problems(file: str, load_id: str, outcomes: list[Outcome]) -> str | None:
    """What failed on one load, with its own failing rows as examples."""
    problems = []
    for o in outcomes:
        if load_id in o.failing_loads:
            own = "; ".join(text for f, text in o.examples if f in (file, ""))
            problems.append(f"{o.severity}: expected {o.description}" + (f" ({own})" if own else ""))
    return " | ".join(problems) or None


def _record(
    con: duckdb.DuckDBPyConnection,
    validation_id: str,
    validated_at: datetime,
    outcomes: list[Outcome],
    verdicts: dict[str, tuple[str, str]],
) -> None:
    if not verdicts:
        return
    con.execute("begin transaction")
    con.executemany(
        f"insert into {INGEST_SCHEMA}.expectation_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                validation_id,
                validated_at,
                o.source,
                o.raw_table,
                o.suite,
                o.expectation,
                o.column_name,
                o.description,
                o.severity,
                o.success,
                o.loads_checked,
                o.rows_checked,
                o.rows_failed,
                _examples_text(o.examples) or None,
            ]
            for o in outcomes
        ],
    )
    con.executemany(
        f"insert into {INGEST_SCHEMA}.load_validations values (?, ?, ?, ?, ?)",
        [
            [load_id, validation_id, validated_at, status, _problems(file, load_id, outcomes)]
            for load_id, (file, status) in verdicts.items()
        ],
    )
    con.execute("commit")


@dataclass(frozen=True)
class BlockedFile:
    """A landed file whose newest load a critical expectation blocked."""

    file: str
    problems: str


def blocked_files(con: duckdb.DuckDBPyConnection, landing_dir: Path) -> list[BlockedFile]:
    """Files still in the landing folder whose newest validated load is blocked.

    Landing a corrected file under the same name (a new load that passes) or removing the file
    lifts the block.
    """
    rows = con.execute(
        f"""select file_loads.file, verdicts.problems
        from {INGEST_SCHEMA}.load_validations as verdicts
        inner join {INGEST_SCHEMA}.file_loads as file_loads using (load_id)
        qualify row_number() over (partition by file_loads.file order by file_loads.started_at desc) = 1
            and verdicts.status = 'blocked'
        order by file_loads.file"""
    ).fetchall()
    return [BlockedFile(file, problems) for file, problems in rows if (landing_dir / file).exists()]


def describe(outcome: Outcome) -> str:
    """One line per failed expectation: table, rule, failing rows and examples."""
    examples = _examples_text(outcome.examples)
    return (
        f"{outcome.severity.upper()} {outcome.raw_table}: expected {outcome.description} "
        f"[{outcome.expectation}], {outcome.rows_failed} of {outcome.rows_checked} rows failed"
        + (f"; e.g. {examples}" if examples else "")
    )
