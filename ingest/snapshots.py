"""The date a seat listing was taken, for listings whose content does not say it.

A seat listing (GitHub Copilot's seat API, a seat CSV) describes the seats on the day it was fetched,
but nothing in it holds that day. The rule, the same for every such source:

- the last `YYYY-MM-DD` in the file's name (`seats_northwind_2026-05-04.json` -> 2026-05-04);
  a name holding `YYYY-MM-DD` that is no calendar day (`2026-02-30`) rejects the file rather than
  falling back to another date silently;
- else the UTC date of the file's modification time, which is when the exporter wrote it.

The date and the rule that gave it travel with every record, as `_snapshot_date` and
`_snapshot_date_from` ("file_name" or "file_modified_time"), so each raw row says where its date came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa

from ingest.errors import RejectedFile
from ingest.records import Records

SNAPSHOT_DATE_KEY = "_snapshot_date"
SNAPSHOT_RULE_KEY = "_snapshot_date_from"
FROM_FILE_NAME = "file_name"
FROM_MODIFIED_TIME = "file_modified_time"

_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def snapshot_date(path: Path) -> tuple[date, str]:
    """The listing's date and the rule that gave it: the file name's last YYYY-MM-DD, else its mtime."""
    found = _DATE_IN_NAME.findall(path.name)
    if found:
        year, month, day = found[-1]
        try:
            return date(int(year), int(month), int(day)), FROM_FILE_NAME
        except ValueError as exc:
            raise RejectedFile(
                f"the file name's date {year}-{month}-{day} is not a calendar date; "
                "rename the file with the day the listing was taken (YYYY-MM-DD)"
            ) from exc
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).date()
    return modified, FROM_MODIFIED_TIME


def with_snapshot_columns(records: Records, path: Path) -> Records:
    """CSV records with the listing's date and its rule added as two more columns of every row."""
    day, rule = snapshot_date(path)
    clashing = [c for c in (SNAPSHOT_DATE_KEY, SNAPSHOT_RULE_KEY) if c in records.columns]
    if clashing:
        raise RejectedFile(f"the header has column(s) {', '.join(clashing)}, which the loader adds itself")
    inner = records.batches
    records.columns = (*records.columns, SNAPSHOT_DATE_KEY, SNAPSHOT_RULE_KEY)
    records.schema = records.schema.append(pa.field(SNAPSHOT_DATE_KEY, pa.string())).append(
        pa.field(SNAPSHOT_RULE_KEY, pa.string())
    )

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in inner:
            n = batch.num_rows
            yield pa.RecordBatch.from_arrays(
                [*batch.columns, pa.array([day.isoformat()] * n), pa.array([rule] * n)],
                schema=records.schema,
            )

    records.batches = batches()
    return records
