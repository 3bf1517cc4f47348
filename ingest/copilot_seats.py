"""GitHub Copilot seat listings: who holds a Copilot seat on a day, and when they last used it.

What it is: the REST API's seat listing, for an organisation (`GET /orgs/{org}/copilot/billing/seats`)
or an enterprise (`GET /enterprises/{enterprise}/copilot/billing/seats`, whose seats carry their
`organization`). Each response page is `{"total_seats": N, "seats": [...]}`.

Formats accepted, in `landing/copilot_seats/` (any extension, gzip or not): one page as a JSON document
(pretty-printed or not), JSON Lines of pages (one page per line, as a paginating script appends them),
or the bare `seats` array. One file is one complete listing: its pages together must hold at least
`total_seats` seats, else the file is rejected (a script that fetched only the first page of 50 would
otherwise replace a complete listing of the same day with a partial one).

Snapshot date: the listing holds no date of its own. It is the last `YYYY-MM-DD` in the file's name,
else the UTC date of the file's modification time (see `ingest.snapshots`); `snapshot_date_from`
records which rule gave it. Name files `copilot_seats_<org>_<YYYY-MM-DD>.json` (or `.jsonl`).

What is kept, one raw row per seat:

- the snapshot date and its rule, and the listing's `total_seats`;
- `assignee`: login, id, type and email (when the API gives one); the rest of the user object
  (avatar and profile URLs) is dropped. A null assignee is a seat whose user was deleted: GitHub
  still bills it until it is removed, so it is loaded, not quarantined;
- `organization` (enterprise listings): login and id; `assigning_team`: id, slug and name;
- `pending_cancellation_date`, `plan_type`, `last_activity_editor`;
- `last_activity_at`, `last_authenticated_at`, `created_at`, `updated_at` as the API's ISO 8601
  text with its offset (for example `2021-10-14T00:53:32-06:00`); staging converts them to UTC.
  A text that is not a date-time quarantines the seat. `created_at` is required (the API always
  sends it): a seat object without it is not a seat.

A seat that is not a JSON object is quarantined. Seat keys this spec does not know are kept in `_extra`.
An organisation listing does not name its organisation (`organization_login` is NULL): when several
organisations land separate listings for the same day, use the enterprise listing instead, because
the newest listing of a day replaces the older one (`int_copilot_seats_seats_deduplicated`).

A listing with no seats loads with zero rows: that day's snapshot says nobody holds a seat. A
listing identical byte for byte to an earlier day's (nobody used Copilot in between) is still its
own day's snapshot, so it is loaded, not set aside as a duplicate; the same file landed twice under
the same name is loaded once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ingest.errors import RejectedFile
from ingest.records import Records, json_documents
from ingest.snapshots import SNAPSHOT_DATE_KEY, SNAPSHOT_RULE_KEY, snapshot_date
from ingest.spec import Field, SourceSpec, quote, sql_string

TOTAL_SEATS_KEY = "_total_seats"
NOT_AN_OBJECT_KEY = "_not_an_object"
TIMESTAMP_KEYS = ("last_activity_at", "last_authenticated_at", "created_at", "updated_at")
_OBJECT_KEYS = {
    "assignee": ("login", "id", "type", "email"),
    "organization": ("login", "id"),
    "assigning_team": ("id", "slug", "name"),
}


def _derived_name(key: str) -> str:
    return f"_{key}"


def _structure(key: str) -> str:
    return json.dumps({k: "VARCHAR" for k in _OBJECT_KEYS[key]})


def _flatten(document: object, extra: dict) -> Iterator[dict]:
    """One record per seat of a page, carrying the snapshot date and the page's total_seats."""
    if isinstance(document, list):
        seats, total = document, None
    elif isinstance(document, dict) and isinstance(document.get("seats"), list):
        seats, total = document["seats"], document.get("total_seats")
    elif isinstance(document, dict) and "message" in document and "seats" not in document:
        raise RejectedFile(f"the file holds a GitHub API error, not seats: {str(document['message'])[:200]}")
    else:
        raise RejectedFile(
            'not a Copilot seat listing: expected pages like {"total_seats": N, "seats": [...]}'
        )
    for seat in seats:
        record = seat if isinstance(seat, dict) else {NOT_AN_OBJECT_KEY: json.dumps(seat)}
        yield {**record, **extra, TOTAL_SEATS_KEY: total}


def read_seat_pages(path: Path) -> Records:
    """Records of a seat listing file: one per seat, with the snapshot date of the file's name or mtime."""
    day, rule = snapshot_date(path)
    extra = {SNAPSHOT_DATE_KEY: day.isoformat(), SNAPSHOT_RULE_KEY: rule}
    counted = {"seats": 0, "total": None}

    def flatten(document: object) -> Iterator[dict]:
        for record in _flatten(document, extra):
            counted["seats"] += 1
            total = record[TOTAL_SEATS_KEY]
            if isinstance(total, int) and (counted["total"] is None or total > counted["total"]):
                counted["total"] = total
            yield record

    records = json_documents(path, flatten)
    pages = records.batches

    def complete() -> Iterator:
        yield from pages
        if counted["total"] is not None and counted["seats"] < counted["total"]:
            raise RejectedFile(
                f"the listing is incomplete: total_seats is {counted['total']} but the file holds "
                f"{counted['seats']} seats; fetch every page (per_page up to 100) into one file"
            )

    records.batches = complete()
    return records


def _object_check(key: str) -> tuple[str, str]:
    return (
        f"{quote(key)} is not null and coalesce(try(json_type({quote(key)})) <> 'OBJECT', true)",
        f"{key} is not a JSON object",
    )


def _timestamp_check(key: str) -> tuple[str, str]:
    return (
        f"{quote(key)} is not null and aispend_timestamp({quote(key)}) is null",
        f"{key} is not an ISO 8601 date-time",
    )


def _nested(name: str, key: str, part: str, type_: str = "VARCHAR", **kwargs) -> Field:
    return Field(name, type_, key=f"{key}.{part}", text=f"{_derived_name(key)}.{quote(part)}", **kwargs)


SPEC = SourceSpec(
    name="copilot_seats",
    table="copilot_seats_seats",
    # An unchanged listing on another day is still that day's snapshot (the date is in the name).
    same_bytes_are_duplicates=False,
    description="GitHub Copilot seat listings, one row per seat per snapshot.",
    # assignee_id is NULL for a deleted user's seat, which still counts.
    natural_key=("snapshot_date", "organization_login", "assignee_id"),
    reader=read_seat_pages,
    reads=(*_OBJECT_KEYS, NOT_AN_OBJECT_KEY),
    derived=tuple(
        (_derived_name(key), f"try(json_transform({quote(key)}, {sql_string(_structure(key))}))")
        for key in _OBJECT_KEYS
    ),
    checks=(
        (f"{quote(NOT_AN_OBJECT_KEY)} is not null", "seat is not a JSON object"),
        *(_object_check(key) for key in _OBJECT_KEYS),
        *(_timestamp_check(key) for key in TIMESTAMP_KEYS),
    ),
    fields=(
        Field("snapshot_date", "DATE", key=SNAPSHOT_DATE_KEY, required=True),
        Field("snapshot_date_from", "VARCHAR", key=SNAPSHOT_RULE_KEY),
        Field("listing_total_seats", "BIGINT", key=TOTAL_SEATS_KEY, non_negative=True),
        _nested("assignee_login", "assignee", "login"),
        _nested("assignee_id", "assignee", "id", "BIGINT"),
        _nested("assignee_type", "assignee", "type"),
        _nested("assignee_email", "assignee", "email"),
        _nested("organization_login", "organization", "login"),
        _nested("organization_id", "organization", "id", "BIGINT"),
        _nested("assigning_team_id", "assigning_team", "id"),
        _nested("assigning_team_slug", "assigning_team", "slug"),
        _nested("assigning_team_name", "assigning_team", "name"),
        Field("pending_cancellation_date", "DATE"),
        Field("last_activity_at", "VARCHAR"),
        Field("last_activity_editor", "VARCHAR"),
        Field("last_authenticated_at", "VARCHAR"),
        Field("created_at", "VARCHAR", required=True),
        Field("updated_at", "VARCHAR"),
        Field("plan_type", "VARCHAR"),
    ),
)
