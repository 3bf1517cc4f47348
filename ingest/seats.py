"""Seat listings of any other seat-licensed AI tool (ChatGPT Enterprise, Cursor, Claude, Gemini, ...).

What it is: a CSV documented here, for tools whose vendor has no seat API the warehouse reads. An
administrator exports the tool's member list (or writes it by hand) into these columns, one row per seat:

| column           | required | meaning                                                              |
|------------------|----------|----------------------------------------------------------------------|
| tool             | yes      | the tool's `tool_id` as in reference `tools.csv` (cursor, claude_team) |
| user_email       | yes      | the seat holder's email                                              |
| assigned_date    | no       | the day the seat was assigned                                        |
| last_active_date | no       | the last day the holder used the tool; blank when never              |
| monthly_price    | no       | the seat's price per month; blank: the tool's list price applies     |
| currency         | with a price | ISO 4217 code of the price, three letters (USD, EUR)             |

Header names are exact and lowercase; other columns are kept as JSON in `_extra` (schema drift). A file
may list several tools. Comma, tab, semicolon or pipe separated, UTF-8, gzip or not.

Dates: `YYYY-MM-DD` (`2026-05-04`; a one-digit month or day, `2026-5-4`, and an ISO 8601 date-time,
whose date as written is kept, are accepted too). Day-first or month-first dates (`04/05/2026`) are
ambiguous and quarantine the row, as does any date that does not parse.

Money: a decimal with a point and no thousands separator (`40`, `40.00`, `4.0E1`); kept exactly as
DECIMAL(38, 18). A negative price, a price with no currency, or a currency that is not three letters
quarantines the row.

Snapshot date: the file holds no date of its own. It is the last `YYYY-MM-DD` in the file's name,
else the UTC date of the file's modification time, as for Copilot seat listings (see
`ingest.snapshots`); `snapshot_date_from` records which rule gave it. Name files
`seats_<tool>_<YYYY-MM-DD>.csv`. The newest file listing a tool on a snapshot date replaces older ones
for that tool and date (`int_seats_seats_deduplicated`). As for Copilot listings, a file identical
byte for byte to an earlier day's is still its own day's snapshot and is loaded; a header-only file
loads with zero rows.
"""

from __future__ import annotations

from pathlib import Path

from ingest.errors import RejectedFile
from ingest.records import Records, read_by_extension
from ingest.snapshots import SNAPSHOT_DATE_KEY, SNAPSHOT_RULE_KEY, with_snapshot_columns
from ingest.spec import Field, SourceSpec

CURRENCY_PATTERN = "[A-Za-z]{3}"
REQUIRED_COLUMNS = ("tool", "user_email")


def currency_checks(
    currency: str = "currency", price: str | None = "monthly_price"
) -> tuple[tuple[str, str], ...]:
    """Row checks for a currency column: a three-letter code, and given whenever `price` is."""
    code = (
        f'"{currency}" is not null and not regexp_full_match(trim("{currency}"), \'{CURRENCY_PATTERN}\')',
        f"{currency} is not a three-letter ISO 4217 code",
    )
    if price is None:
        return (code,)
    return (
        code,
        (f'"{price}" is not null and "{currency}" is null', f"{price} is given without a {currency}"),
    )


def date_field(name: str, **kwargs) -> Field:
    """A DATE column from `YYYY-MM-DD` text (or an ISO 8601 date-time, whose date as written is kept)."""
    return Field(name, "DATE", expr="try_cast(trim({text}) as date)", **kwargs)


def read_seat_csv(path: Path) -> Records:
    """Records of a seat CSV, each with the snapshot date of the file's name or modification time."""
    records = read_by_extension(path)
    # Checked here, before the snapshot columns join the header, so the message shows the file's own.
    missing = [key for key in REQUIRED_COLUMNS if key not in records.columns]
    if records.kind == "csv" and missing:
        raise RejectedFile(
            f"missing required column(s) {', '.join(missing)}; the header has: {', '.join(records.columns)}"
        )
    return with_snapshot_columns(records, path)


SPEC = SourceSpec(
    name="seats",
    table="seats_seats",
    # An unchanged listing on another day is still that day's snapshot (the date is in the name).
    same_bytes_are_duplicates=False,
    description="Seat listings of seat-licensed AI tools, one row per seat per snapshot.",
    natural_key=("snapshot_date", "tool", "user_email"),
    reader=read_seat_csv,
    checks=currency_checks(),
    fields=(
        Field("snapshot_date", "DATE", key=SNAPSHOT_DATE_KEY, required=True),
        Field("snapshot_date_from", "VARCHAR", key=SNAPSHOT_RULE_KEY),
        Field("tool", "VARCHAR", required=True),
        Field("user_email", "VARCHAR", required=True),
        date_field("assigned_date"),
        date_field("last_active_date"),
        Field("monthly_price", "DECIMAL(38, 18)", non_negative=True),
        Field("currency", "VARCHAR"),
    ),
)
