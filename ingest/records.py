"""Readers that turn a landed file into numbered records for DuckDB, in bounded memory.

Each reader yields Arrow record batches with a 1-based row number `rn`: JSON formats give one
`line` of JSON text per record, CSV gives one text column per header. Rows that cannot even be
split into fields (a CSV row with the wrong number of cells, a line that is not UTF-8) are set
aside as `bad_rows` with their reason.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import re
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ingest.errors import RejectedFile
from ingest.redact import CONTENT_KEYS, REDACTED

BATCH_BYTES = 8 << 20
CSV_BATCH_ROWS = 20_000
# A record longer than this is refused rather than read into memory.
MAX_RECORD_BYTES = 64 << 20
CSV_DELIMITERS = (",", "\t", ";", "|")
KEY_SAMPLE_FIRST = 200
KEY_SAMPLE_EVERY = 256


def file_sha256(path: Path) -> str:
    """The sha256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(BATCH_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def is_gzip(path: Path) -> bool:
    """True when the file starts with the gzip magic bytes, whatever its name."""
    with path.open("rb") as f:
        return f.read(2) == b"\x1f\x8b"


@dataclass
class Records:
    """Numbered records of one file, read lazily; counts are final once `batches` is exhausted."""

    kind: str  # "json" or "csv"
    columns: tuple[str, ...]
    batches: Iterator[pa.RecordBatch]
    schema: pa.Schema
    bad_rows: list[tuple[int, str, str]] = field(default_factory=list)
    rows_read: int = 0
    # Why reading stopped, kept here because DuckDB re-wraps errors raised inside its scan.
    failure: RejectedFile | None = None
    # Top-level keys seen in a sample of JSON records (the first ones, then one in KEY_SAMPLE_EVERY).
    sampled_keys: set[str] = field(default_factory=set)
    # True when the file parsed and simply holds no records (an API page of empty buckets, a CSV
    # header with no rows): such a file is loaded with zero rows, not rejected.
    empty_ok: bool = False

    def arrow_reader(self) -> pa.RecordBatchReader:
        """A single-use Arrow stream over the batches, for DuckDB to scan."""
        return pa.RecordBatchReader.from_batches(self.schema, self._capturing())

    def _capturing(self) -> Iterator[pa.RecordBatch]:
        try:
            yield from self.batches
        except RejectedFile as exc:
            self.failure = exc
            raise


def _open_binary(path: Path):
    return gzip.open(path, "rb") if is_gzip(path) else path.open("rb")


# Decompression and I/O failures: the file is truncated or not what its name says.
READ_ERRORS = (EOFError, OSError, zlib.error, gzip.BadGzipFile)


def json_lines(path: Path) -> Records:
    """Records of a JSON Lines file (gzip or not): one JSON text per non-blank line."""
    _require_content(path)
    schema = pa.schema([("rn", pa.int64()), ("line", pa.string())])
    records = Records(kind="json", columns=("line",), batches=iter(()), schema=schema)
    # A line holding a \\x01 byte (never valid JSON) splits into two cells; the parser reports it
    # with its line number.
    split_lines: list[int] = []

    def on_split_line(row) -> str:
        split_lines.append(row.number)
        records.bad_rows.append(
            (row.number, "line holds a control character (\\x01)", row.text.replace("\x01", " "))
        )
        return "skip"

    def batches() -> Iterator[pa.RecordBatch]:
        source = _open_binary(path)
        try:
            with _silencing_undecodable_rows(on_split_line):
                yield from line_batches(source)
            records.rows_read += len(split_lines)
        except pa.ArrowInvalid as exc:
            raise RejectedFile(_arrow_reason(exc)) from exc
        except READ_ERRORS as exc:
            raise RejectedFile(f"cannot read the file: {exc}") from exc
        finally:
            source.close()

    def line_batches(source) -> Iterator[pa.RecordBatch]:
        reader = pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(block_size=BATCH_BYTES, column_names=["line"], use_threads=False),
            parse_options=pacsv.ParseOptions(
                delimiter="\x01",
                quote_char=False,
                escape_char=False,
                ignore_empty_lines=False,
                invalid_row_handler=on_split_line,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={"line": pa.binary()}, strings_can_be_null=False
            ),
        )
        next_rn = 1
        for batch in reader:
            lines = batch.column(0)
            rn, next_rn = _line_numbers(next_rn, len(lines), split_lines)
            text = _utf8_or_quarantine(lines, rn, records)
            if rn[0].as_py() == 1:
                text = _strip_bom(text)
            # Empty lines are not records; a line of spaces is one, and is quarantined.
            records.rows_read += len(lines) - pc.sum(pc.equal(pc.binary_length(lines), 0)).as_py()
            _sample_keys(text, rn, records.sampled_keys)
            yield pa.RecordBatch.from_arrays([rn, text], schema=schema)

    records.batches = batches()
    return records


@contextmanager
def _silencing_undecodable_rows(handler: Callable) -> Iterator[None]:
    """Keep Arrow's report of a split line that is not UTF-8 off stderr while a file is read.

    Arrow decodes such a line before calling `handler`, fails, prints the UnicodeDecodeError as
    "Exception ignored in ..." and then stops the read with a CSV parse error, which
    `_arrow_reason` turns into the file's rejection. Other unraisable errors still reach the hook.
    """
    previous = sys.unraisablehook

    def hook(unraisable) -> None:
        if unraisable.object is not handler or not isinstance(unraisable.exc_value, UnicodeDecodeError):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


def _sample_keys(text: pa.Array, rn: pa.Array, keys: set[str]) -> None:
    """Add the top-level keys of sampled records; cheap, and enough to notice schema drift."""
    numbers = rn.to_numpy()
    picked = np.flatnonzero((numbers <= KEY_SAMPLE_FIRST) | (numbers % KEY_SAMPLE_EVERY == 0))
    for line in text.take(pa.array(picked)).to_pylist():
        try:
            record = json.loads(line) if line else None
        except ValueError:
            continue
        if isinstance(record, dict):
            keys.update(record)


def _line_numbers(start: int, n: int, skipped: list[int]) -> tuple[pa.Array, int]:
    """Line numbers for the next n kept lines from `start`, stepping over skipped ones."""
    pending = [s for s in skipped if s >= start]
    if not pending:
        return pa.array(np.arange(start, start + n, dtype=np.int64)), start + n
    numbers, line, skip = [], start, set(pending)
    while len(numbers) < n:
        if line not in skip:
            numbers.append(line)
        line += 1
    return pa.array(numbers, pa.int64()), line


def _strip_bom(text: pa.Array) -> pa.Array:
    first = text[0].as_py()
    if first is None or not first.startswith("\ufeff"):
        return text
    return pa.concat_arrays([pa.array([first[1:]], pa.string()), text[1:]])


def _utf8_or_quarantine(lines: pa.Array, rn: pa.Array, records: Records) -> pa.Array:
    """Lines as UTF-8 text; a line that is not UTF-8 becomes NULL and a bad row."""
    try:
        return lines.cast(pa.string())
    except pa.ArrowInvalid:
        values = []
        for number, raw in zip(rn.to_pylist(), lines.to_pylist(), strict=True):
            try:
                values.append(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                records.bad_rows.append(
                    (number, f"line is not valid UTF-8 (byte {exc.start})", raw.decode("utf-8", "replace"))
                )
                values.append(None)
        return pa.array(values, pa.string())


def _require_content(path: Path) -> None:
    if path.stat().st_size == 0:
        raise RejectedFile("the file is empty")


def _arrow_reason(exc: Exception) -> str:
    message = str(exc)
    if "Empty CSV file" in message:
        return "the file holds no records"
    if "straddling" in message or "block size" in message:
        return f"a single record is longer than {BATCH_BYTES >> 20} MB"
    if "CSV parse error" in message:
        # A line split by a control byte whose text is not UTF-8 either: Arrow cannot hand it over.
        row = re.search(r"Row #(\d+)", message)
        where = f"line {row.group(1)}" if row else "a line"
        return f"not JSON Lines text: {where} holds binary bytes that are not UTF-8 (a binary file?)"
    return f"cannot read the file: {message}"


def json_array(path: Path) -> Records:
    """Records of a file holding one JSON array of objects: one record per element."""
    import duckdb  # local: only this reader needs a scratch connection

    schema = pa.schema([("rn", pa.int64()), ("line", pa.string())])
    records = Records(kind="json", columns=("line",), batches=iter(()), schema=schema)

    def batches() -> Iterator[pa.RecordBatch]:
        con = duckdb.connect()
        try:
            reader = con.sql(
                "select ordinality as rn, json::varchar as line "
                "from read_json_objects(?, format = 'array', maximum_object_size = ?) with ordinality",
                params=[str(path), MAX_RECORD_BYTES],
            ).to_arrow_reader(CSV_BATCH_ROWS)
            for batch in reader:
                records.rows_read += batch.num_rows
                rn, text = batch.column(0).cast(pa.int64()), batch.column(1)
                _sample_keys(text, rn, records.sampled_keys)
                yield pa.RecordBatch.from_arrays([rn, text], schema=schema)
        except duckdb.Error as exc:
            raise RejectedFile(f"not a valid JSON array of records: {_first_line(exc)}") from exc
        finally:
            con.close()

    records.batches = batches()
    return records


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]


def csv_rows(path: Path) -> Records:
    """Records of a delimited text file with a header row (comma, tab, semicolon or pipe)."""
    _require_content(path)
    text = io.TextIOWrapper(_open_binary(path), encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        header_line = text.readline()
    except READ_ERRORS as exc:
        text.close()
        raise RejectedFile(f"cannot read the file: {exc}") from exc
    if not header_line.strip():
        text.close()
        raise RejectedFile("the file is empty: no header row")
    if _has_undecodable(header_line):
        text.close()
        raise RejectedFile(
            "the header row is not UTF-8 text (a UTF-16 or legacy-encoded export?); save the file as UTF-8"
        )
    delimiter = max(CSV_DELIMITERS, key=header_line.count)
    header = next(csv.reader([header_line], delimiter=delimiter))
    columns = tuple(h.strip() for h in header)
    if len(set(columns)) != len(columns):
        text.close()
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        raise RejectedFile(f"the header repeats column names: {', '.join(duplicated)}")
    schema = pa.schema([("rn", pa.int64())] + [(c, pa.string()) for c in columns])
    records = Records(kind="csv", columns=columns, batches=iter(()), schema=schema, empty_ok=True)

    def batches() -> Iterator[pa.RecordBatch]:
        reader = csv.reader(text, delimiter=delimiter)
        rows: list[list[str]] = []
        numbers: list[int] = []
        # Row numbers are the line a record starts on, counting the header as line 1.
        last_line = 1
        try:
            for row in reader:
                line, last_line = last_line + 1, reader.line_num + 1
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                records.rows_read += 1
                problem = _csv_row_problem(row, len(columns))
                if problem:
                    records.bad_rows.append((line, problem, _bad_csv_row_text(row, columns, delimiter)))
                    continue
                rows.append(row)
                numbers.append(line)
                if len(rows) >= CSV_BATCH_ROWS:
                    yield _csv_batch(schema, numbers, rows)
                    rows, numbers = [], []
            if rows:
                yield _csv_batch(schema, numbers, rows)
        except csv.Error as exc:
            raise RejectedFile(f"not valid CSV near line {reader.line_num}: {exc}") from exc
        except READ_ERRORS as exc:
            raise RejectedFile(f"cannot read the file: {exc}") from exc
        finally:
            text.close()

    records.batches = batches()
    return records


def _bad_csv_row_text(row: list[str], columns: tuple[str, ...], delimiter: str) -> str:
    """A bad row's text to keep in quarantine: every cell but those under prompt columns."""
    content = [i for i, column in enumerate(columns) if column in CONTENT_KEYS]
    if content and len(row) != len(columns):
        # Cells do not line up with the header, so the prompt cells cannot be told apart.
        names = ", ".join(columns[i] for i in content)
        return (
            f"[{len(row)} cells not kept: the header has prompt columns ({names}); this row does not fit it]"
        )
    cells = [REDACTED if i in content else cell for i, cell in enumerate(row)]
    return delimiter.join(cells).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _csv_row_problem(row: list[str], width: int) -> str | None:
    if len(row) != width:
        return f"expected {width} cells, found {len(row)}"
    if any(_has_undecodable(cell) for cell in row):
        return "row is not valid UTF-8"
    return None


def _has_undecodable(cell: str) -> bool:
    try:
        cell.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _csv_batch(schema: pa.Schema, numbers: list[int], rows: list[list[str]]) -> pa.RecordBatch:
    arrays = [pa.array(numbers, pa.int64())]
    arrays += [
        pa.array([r[i] if r[i] != "" else None for r in rows], pa.string()) for i in range(len(rows[0]))
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def sniff_json_kind(path: Path) -> str:
    """'array' when the first non-space character is '[', else 'lines'."""
    opener = gzip.open if is_gzip(path) else open
    try:
        with opener(path, "rb") as f:
            head = f.read(4096)
    except (OSError, EOFError, zlib.error) as exc:
        raise RejectedFile(f"cannot read the file: {exc}") from exc
    head = head.lstrip(codecs.BOM_UTF8).lstrip()
    if not head:
        raise RejectedFile("the file is empty")
    return "array" if head.startswith(b"[") else "lines"


def read_by_extension(path: Path) -> Records:
    """Records of a file by its name: JSON Lines, a JSON array or lines, or CSV; gzip or not."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".jsonl", ".ndjson")):
        return json_lines(path)
    if name.endswith(".json"):
        return json_array(path) if sniff_json_kind(path) == "array" else json_lines(path)
    if name.endswith((".csv", ".tsv", ".txt")):
        return csv_rows(path)
    if name.endswith(".parquet"):
        return parquet_rows(path)
    raise RejectedFile(
        f"unsupported file type '{path.suffix}': expected .jsonl, .ndjson, .json, .csv or .parquet "
        "(text formats optionally .gz)"
    )


def json_documents(path: Path, flatten: Callable[[object], Iterator[dict]]) -> Records:
    """Records of a file of API responses: one JSON document, or one per line (JSON Lines of pages).

    `flatten` turns one document into its records (for example a usage page into one record per
    result, each carrying its bucket's times); each record becomes one line of JSON text. Such
    files are small (a page holds at most a few thousand results), so documents are parsed whole.
    A document that is not valid JSON rejects the file: there is no way to know which records it held.
    Numbers are parsed as exact decimals, so money written as 0.1234567890123456789 keeps its digits.
    """
    _require_content(path)
    schema = pa.schema([("rn", pa.int64()), ("line", pa.string())])
    records = Records(kind="json", columns=("line",), batches=iter(()), schema=schema)

    def batches() -> Iterator[pa.RecordBatch]:
        lines: list[str] = []
        for document in _documents(path):
            for record in flatten(document):
                lines.append(json.dumps(record, separators=(",", ":"), default=_exact_number))
                if isinstance(record, dict):
                    records.sampled_keys.update(record)
        records.rows_read = len(lines)
        records.empty_ok = True
        if lines:
            yield pa.RecordBatch.from_arrays(
                [pa.array(np.arange(1, len(lines) + 1, dtype=np.int64)), pa.array(lines, pa.string())],
                schema=schema,
            )

    records.batches = batches()
    return records


def _exact_number(value: object) -> str:
    # A Decimal is written as text; loaders cast the text, so no digit is lost to a float.
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _documents(path: Path) -> Iterator[object]:
    try:
        with _open_binary(path) as f:
            text = f.read().decode("utf-8-sig")
    except READ_ERRORS as exc:
        raise RejectedFile(f"cannot read the file: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RejectedFile(f"the file is not UTF-8 text (byte {exc.start})") from exc
    if not text.strip():
        raise RejectedFile("the file is empty")
    try:
        yield json.loads(text, parse_float=Decimal)
        return
    except ValueError as whole_error:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise RejectedFile(f"not valid JSON: {whole_error}") from whole_error
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield json.loads(line, parse_float=Decimal)
        except ValueError as exc:
            raise RejectedFile(f"line {number} is not valid JSON: {exc}") from exc


def parquet_rows(path: Path) -> Records:
    """Records of a Parquet file, columns as text (maps and structs as JSON), numbered from 1."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise RejectedFile(f"not a readable Parquet file: {exc}") from exc
    columns = tuple(parquet.schema_arrow.names)
    schema = pa.schema([("rn", pa.int64())] + [(c, pa.string()) for c in columns])
    records = Records(kind="csv", columns=columns, batches=iter(()), schema=schema, empty_ok=True)

    def batches() -> Iterator[pa.RecordBatch]:
        next_rn = 1
        try:
            for batch in parquet.iter_batches(batch_size=CSV_BATCH_ROWS):
                n = batch.num_rows
                arrays = [pa.array(np.arange(next_rn, next_rn + n, dtype=np.int64))]
                arrays += [_as_text(batch.column(i)) for i in range(batch.num_columns)]
                next_rn += n
                records.rows_read += n
                yield pa.RecordBatch.from_arrays(arrays, schema=schema)
        except (pa.ArrowInvalid, OSError) as exc:
            raise RejectedFile(f"cannot read the Parquet file: {exc}") from exc

    records.batches = batches()
    return records


def _as_text(column: pa.Array) -> pa.Array:
    """A column as strings; nested values (maps, structs, lists) become JSON text."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column.cast(pa.string())
    if pa.types.is_map(kind) or pa.types.is_struct(kind) or pa.types.is_list(kind):
        return pa.array(
            [
                None if v is None else json.dumps(_jsonable(v), separators=(",", ":"), default=str)
                for v in column.to_pylist()
            ],
            pa.string(),
        )
    if pa.types.is_decimal(kind) or pa.types.is_floating(kind):
        return pa.array([None if v is None else _number_text(v) for v in column.to_pylist()], pa.string())
    return column.cast(pa.string())


def _jsonable(value: object) -> object:
    # pyarrow gives a map as a list of (key, value) pairs.
    if isinstance(value, list) and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return {k: _jsonable(v) for k, v in value}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _number_text(value: object) -> str:
    # repr of a float is its shortest exact decimal form; Decimal keeps its own digits.
    return repr(value) if isinstance(value, float) else str(value)
