"""How a raw source is described, and the SQL that turns its records into raw rows.

Every file, whatever its format, reaches DuckDB as a relation `_records` with a row number `rn`
and either one `line` of JSON text per record or one text column per CSV header. A source spec
says which keys it reads, how each becomes a typed raw column, and which values make a row
unloadable. `projection_sql` turns that into one SELECT that yields the raw columns plus a
`_reason` that is NULL for loadable rows, so good and bad rows come from one parse of the file.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.redact import CONTENT_KEYS as REDACT_CONTENT_KEYS
from ingest.redact import REDACTED

# Keys whose values are prompt or response content (see ingest/redact.py). No source loads them:
# dropped at the top level of a record, redacted deeper down by `aispend_scrub`.
CONTENT_KEYS = tuple(sorted(REDACT_CONTENT_KEYS))

TEXT_TYPES = ("VARCHAR", "JSON")


@dataclass(frozen=True)
class Field:
    """One typed raw column.

    The source text is the record's `key` (default: the column name), or the SQL in `text` when
    the value sits deeper (inside a JSON string, say). `expr` turns `{text}` into the value; by
    default the text is cast to `type`. A text that is present but does not convert quarantines
    the row, so nothing is silently nulled.
    """

    name: str
    type: str
    key: str | None = None
    text: str | None = None
    expr: str | None = None
    required: bool = False
    non_negative: bool = False
    # False when a NULL value from a present text is expected (the value is optional by design).
    checked: bool = True

    @property
    def label(self) -> str:
        """How a reason names this field: its source key, or its column name."""
        return self.key or self.name

    def text_sql(self) -> str:
        """SQL for the field's source text."""
        return self.text or quote(self.label)

    def value_sql(self) -> str:
        """SQL turning the source text into the typed value."""
        text = self.text_sql()
        if self.expr is not None:
            return self.expr.replace("{text}", text)
        kind = self.type.upper()
        if kind == "TIMESTAMP":
            return f"aispend_timestamp({text})"
        if kind in TEXT_TYPES:
            return text
        if kind == "BIGINT":
            # Counts may arrive as "10.0" (OpenAI's CSV export) but never as 10.5: no silent rounding.
            return f"aispend_whole_number({text})"
        return f"try_cast({text} as {self.type})"

    def converts(self) -> bool:
        """True when a present text that yields no value makes the row unloadable."""
        return self.checked and (self.expr is not None or self.type.upper() not in TEXT_TYPES)


@dataclass(frozen=True)
class SourceSpec:
    """A landing folder, the raw table it loads, and how records become rows."""

    name: str
    table: str
    description: str
    fields: tuple[Field, ...]
    natural_key: tuple[str, ...]
    # Columns computed from record keys before fields are typed, as (name, SQL) pairs: a nested
    # JSON value is parsed once here and its parts read by several fields.
    derived: tuple[tuple[str, str], ...] = ()
    # Keys that derived columns read (top-level keys of fields are found from the fields).
    reads: tuple[str, ...] = ()
    # Keys read and deliberately not loaded (prompt content); they are not schema drift.
    dropped_keys: tuple[str, ...] = CONTENT_KEYS
    # Turns a landed file into records; None means by file extension (JSON Lines, JSON array, CSV).
    reader: Callable[[Path], Any] | None = None
    # Row checks beyond the fields' own, as (SQL condition, reason) pairs; the first that holds wins.
    checks: tuple[tuple[str, str], ...] = ()
    # A file with the bytes of one already loaded adds nothing, except for snapshots: this week's
    # seat listing may equal last week's and is still this week's snapshot (its date is in its name).
    same_bytes_are_duplicates: bool = True
    # When a folder feeds several tables, the file names (glob, matched without a .gz suffix)
    # this spec loads; None loads every file of the folder no other spec claims.
    file_pattern: str | None = None

    def claims(self, file_name: str) -> bool:
        """True when this spec loads a file of that name."""
        if self.file_pattern is None:
            return True
        return fnmatch.fnmatch(file_name.lower().removesuffix(".gz"), self.file_pattern.lower())

    @property
    def source_table(self) -> str:
        """The table's name in the dbt source named after this source: litellm_spend_logs -> spend_logs."""
        return self.table.removeprefix(f"{self.name}_")

    @property
    def keys(self) -> tuple[str, ...]:
        """Every top-level record key the spec reads."""
        direct = [f.label for f in self.fields if f.text is None]
        return tuple(dict.fromkeys([*direct, *self.reads]))

    @property
    def known_keys(self) -> tuple[str, ...]:
        """Keys that are not schema drift: read, or deliberately dropped."""
        return tuple(dict.fromkeys((*self.keys, *self.dropped_keys)))

    @property
    def required_keys(self) -> tuple[str, ...]:
        """Top-level keys every record must have."""
        return tuple(f.label for f in self.fields if f.required and f.text is None)

    def raw_columns(self) -> list[tuple[str, str]]:
        """(name, type) of the raw table: source columns, then unknown extras, then lineage."""
        return [(f.name, f.type) for f in self.fields] + [("_extra", "JSON"), *LINEAGE_COLUMNS]


# Stored with every raw row. The file's sha256, known only once the file has been read through,
# comes from the load record: the raw relation readers see adds it by load id (see warehouse.py).
LINEAGE_COLUMNS = (
    ("_source", "VARCHAR"),
    ("_file", "VARCHAR"),
    ("_row_number", "BIGINT"),
    ("_load_id", "VARCHAR"),
    ("_loaded_at", "TIMESTAMP"),
)


def quote(identifier: str) -> str:
    """A DuckDB identifier, double-quoted."""
    return '"' + identifier.replace('"', '""') + '"'


def sql_string(value: str) -> str:
    """A DuckDB string literal."""
    return "'" + value.replace("'", "''") + "'"


def _value_column(f: Field) -> str:
    # Typed values get their own names so they never collide with the record's text columns.
    return quote(f"{f.name}__value")


def _reason_checks(f: Field) -> list[str]:
    name = _value_column(f)
    checks = []
    if f.converts():
        what = "JSON" if f.type.upper() == "JSON" else f.type.lower()
        if f.type.upper() == "TIMESTAMP":
            what = "timestamp"
        text = f.text_sql()
        checks.append(
            (
                f"{text} is not null and {name} is null",
                f"{sql_string(f'{f.label} is not a valid {what}: ')} || left({text}, 60)",
            )
        )
    if f.required:
        checks.append((f"{name} is null", sql_string(f"missing required field {f.label}")))
    if f.type.upper() == "DOUBLE":
        checks.append((f"isnan({name}) or isinf({name})", sql_string(f"{f.label} is not a finite number")))
    if f.non_negative:
        checks.append((f"{name} < 0", f"{sql_string(f'{f.label} is negative: ')} || {name}::varchar"))
    return [f"when {cond} then {reason}" for cond, reason in checks]


def projection_sql(
    spec: SourceSpec, record_kind: str, csv_columns: tuple[str, ...] = (), keep_extras: bool = True
) -> str:
    """A SELECT over `_records` giving rn, `_raw` text, the raw columns, `_extra` and `_reason`.

    `record_kind` is "json" when each record is JSON text in `line`, "csv" when each key is a column.
    For JSON, `keep_extras` collects keys the spec does not know into `_extra`; it costs a second
    pass over each record, so the loader asks for it only when a file's sampled records have such keys.
    """
    keys = spec.keys
    if record_kind == "json":
        structure = json.dumps({k: "VARCHAR" for k in keys})
        drop = json.dumps({k: None for k in spec.known_keys})
        extra = (
            f"case when _j is not null then json_merge_patch(_raw, {sql_string(drop)})::varchar end"
            if keep_extras
            else "null::varchar"
        )
        text_ctes = f"""
        src as (
            select rn, line as _raw from _records where line is not null and line <> ''
        ),
        parsed as (
            select rn, _raw,
                starts_with(_raw, '{{') or regexp_matches(_raw, '^\\s+\\{{') as _looks_like_object,
                try(json_transform(_raw, {sql_string(structure)})) as _j
            from src
        ),
        rest as (
            select *, {extra} as _rest from parsed
        ),
        texts as (
            select rn, _raw, _j is not null and _looks_like_object as _is_object,
                case when _rest <> '{{}}' then aispend_scrub(_rest)::json end as _extra,
                {", ".join(f"_j.{quote(k)} as {quote(k)}" for k in keys)}
            from rest
        )"""
        shape_check = "when not _is_object then 'line is not a JSON object'"
    else:
        present = set(csv_columns)
        extras = [c for c in csv_columns if c not in set(spec.known_keys)]
        extra_sql = (
            "aispend_scrub(json_object("
            + ", ".join(f"{sql_string(c)}, {quote(c)}" for c in extras)
            + ")::varchar)::json"
            if extras
            else "null::json"
        )
        # A quarantined row's text keeps every cell but prompt content (a column the spec reads,
        # such as a price list's `input`, is not prompt content).
        cells = [
            sql_string(REDACTED)
            if c in REDACT_CONTENT_KEYS and c not in keys
            else f"coalesce({quote(c)}, '')"
            for c in csv_columns
        ]
        raw_sql = "concat_ws(',', " + ", ".join(cells) + ")"
        columns_sql = ", ".join(quote(k) if k in present else f"null::varchar as {quote(k)}" for k in keys)
        text_ctes = f"""
        texts as (
            select rn, {raw_sql} as _raw, true as _is_object, {extra_sql} as _extra, {columns_sql}
            from _records
        )"""
        shape_check = ""
    # One step per derived column, so each may read the ones before it.
    derived_ctes, previous = [], "texts"
    for i, (name, expr) in enumerate(spec.derived):
        derived_ctes.append(f"derived_{i} as (select *, {expr} as {quote(name)} from {previous})")
        previous = f"derived_{i}"
    typed = ", ".join(f"{f.value_sql()} as {_value_column(f)}" for f in spec.fields)
    spec_checks = [f"when {cond} then {sql_string(reason)}" for cond, reason in spec.checks]
    checks = "\n                ".join([*spec_checks, *(c for f in spec.fields for c in _reason_checks(f))])
    columns = ", ".join(f"{_value_column(f)} as {quote(f.name)}" for f in spec.fields)
    return f"""
        with {text_ctes},
        {"".join(c + "," for c in derived_ctes)}
        typed as (
            select *, {typed} from {previous}
        )
        select rn, _raw, {columns}, _extra,
            case
                {shape_check}
                {checks}
            end as _reason
        from typed
    """
