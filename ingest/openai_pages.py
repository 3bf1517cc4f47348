"""Reading what OpenAI's Admin API and usage dashboard return, for the usage and costs sources.

The Usage and Costs endpoints answer with pages of time buckets, each holding its results:

    {"object": "page", "data": [{"object": "bucket", "start_time": ..., "end_time": ...,
      "results": [...]}], "has_more": ..., "next_page": ...}

A landed file holds one page, a JSON array of pages, or JSON Lines of pages (one per request made
while following `next_page`). Each result becomes one record carrying its bucket's `start_time` and
`end_time`; a bucket with no results (`"results": []`, sent for every period without usage) gives
no record. A file that is not pages at all (an error response, some other JSON) is rejected whole:
there is no telling which results it should have held.

The dashboard's CSV/TSV exports flatten the same results to one row each and add ISO copies of the
bucket times; a bucket without results is a row with only its time columns filled, which is dropped
here as the API's empty bucket is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ingest import records
from ingest.errors import RejectedFile
from ingest.redact import redact_raw_text

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
# Columns the dashboard export fills even for a bucket without results.
BUCKET_COLUMNS = ("start_time", "end_time", "start_time_iso", "end_time_iso")


def number_text(value: object) -> object:
    """A JSON number as the text it was sent as, so a money column is cast from text, not a float.

    The shared page reader parses numbers as floats: their shortest repr is the value the API
    serialised from its own double, so nothing an API page can carry is lost. Decimals (should the
    reader keep numbers exact) keep every digit. Anything else is left for the loader to judge.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    return value


def _pages(document: object) -> Iterator[dict]:
    candidates = document if isinstance(document, list) else [document]
    for page in candidates:
        if isinstance(page, dict) and isinstance(page.get("data"), list):
            yield page
            continue
        if isinstance(page, dict) and "error" in page:
            error = page["error"]
            message = error.get("message") if isinstance(error, dict) else error
            # The message lands in the load record: no key it quotes may go with it.
            raise RejectedFile(
                f"an API error response, not a page of results: {redact_raw_text(str(message))[:200]}"
            )
        found = (
            f"an object with keys {', '.join(sorted(page))[:200]}" if isinstance(page, dict) else "no object"
        )
        raise RejectedFile(
            'not an OpenAI API page: expected {"object": "page", "data": [buckets]}, found ' + found
        )


def bucket_results(document: object, result_record: Callable[[dict], dict] = dict) -> Iterator[object]:
    """One record per result of every bucket of the page(s) in `document`, with the bucket's times.

    `result_record` reshapes a result (a dict) into the record to load; results that are not objects
    are passed on unchanged, so the loader quarantines them with their position.
    """
    for page in _pages(document):
        for position, bucket in enumerate(page["data"], start=1):
            if not isinstance(bucket, dict) or not isinstance(bucket.get("results"), list):
                raise RejectedFile(f"bucket {position} of a page has no list of results")
            for result in bucket["results"]:
                if not isinstance(result, dict):
                    yield result
                    continue
                record = result_record(result)
                record["start_time"] = bucket.get("start_time")
                record["end_time"] = bucket.get("end_time")
                yield record


def dashboard_export(
    path: Path,
    kept_when_empty: tuple[str, ...],
    constants: dict[str, str] | None = None,
    check_header: Callable[[tuple[str, ...]], None] = lambda _columns: None,
) -> records.Records:
    """Rows of a dashboard CSV/TSV export, without the rows of buckets that had no results.

    A row is an empty bucket when every column outside `kept_when_empty` is blank. `constants` adds
    columns the export leaves implicit (which endpoint its results come from), unless it has them;
    `check_header` sees the file's own columns first and raises RejectedFile if they will not do.
    Row numbers stay the file's line numbers.
    """
    rows = records.csv_rows(path)
    try:
        check_header(rows.columns)
    except RejectedFile:
        _close(rows)
        raise
    added = {k: v for k, v in (constants or {}).items() if k not in rows.columns}
    measured = [i + 1 for i, c in enumerate(rows.columns) if c not in kept_when_empty]
    schema = rows.schema
    for name in added:
        schema = schema.append(pa.field(name, pa.string()))
    export = records.Records(
        kind="csv",
        columns=(*rows.columns, *added),
        batches=iter(()),
        schema=schema,
        bad_rows=rows.bad_rows,
    )

    def batches() -> Iterator[pa.RecordBatch]:
        dropped = 0
        for batch in rows.batches:
            kept = batch
            if measured:
                filled = pc.is_valid(batch.column(measured[0]))
                for i in measured[1:]:
                    filled = pc.or_(filled, pc.is_valid(batch.column(i)))
                kept = batch.filter(filled)
                dropped += batch.num_rows - kept.num_rows
            arrays = kept.columns + [
                pa.array([value] * kept.num_rows, pa.string()) for value in added.values()
            ]
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)
        export.rows_read = rows.rows_read - dropped

    export.batches = batches()
    return export


def _close(rows: records.Records) -> None:
    # The CSV reader closes its file when its batches end; it opens on the first batch.
    try:
        next(rows.batches, None)
    except RejectedFile:
        return
    rows.batches.close()


def reader(
    flatten: Callable[[object], Iterator[object]],
    export: Callable[[Path], records.Records],
) -> Callable[[Path], records.Records]:
    """A reader taking API pages (.json, .jsonl, .ndjson) or dashboard exports (.csv, .tsv, .txt)."""

    def read(path: Path) -> records.Records:
        name = path.name.lower().removesuffix(".gz")
        if name.endswith(JSON_SUFFIXES):
            return records.json_documents(path, flatten)
        if name.endswith(CSV_SUFFIXES):
            return export(path)
        raise RejectedFile(
            f"unsupported file type '{path.suffix}': expected API pages (.json, .jsonl, .ndjson) or a "
            "dashboard export (.csv, .tsv); either optionally .gz"
        )

    return read
