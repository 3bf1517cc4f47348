"""Loading GitHub Copilot seat listings: pages, snapshot dates, deleted users, quarantine, rejection."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime

import pytest

from ingest import copilot_seats
from ingest.errors import RejectedFile
from ingest.sample import company
from ingest.sample import seats as sample_seats
from ingest.sample.seats import CopilotSeatsWriter
from ingest.snapshots import snapshot_date
from tests.conftest import query
from tests.ingest.seat_writing import digest, ingest, land_fixture, run_writers

SPECS = [copilot_seats.SPEC]
TABLE = "raw.copilot_seats_seats"


@pytest.fixture
def landing(tmp_path):
    return tmp_path / "landing"


@pytest.fixture
def warehouse(tmp_path):
    return tmp_path / "warehouse.duckdb"


def test_organisation_listing_loads_every_seat_with_its_snapshot_date(landing, warehouse):
    land_fixture(landing, "copilot_seats", "copilot_seats_acme_2026-05-04.json")

    [load] = ingest(warehouse, landing, SPECS).values()

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 4, 4, 0)
    assert query(
        warehouse,
        f"select count(*), min(snapshot_date), max(snapshot_date), any_value(snapshot_date_from), "
        f"max(listing_total_seats), sum(assignee_id), count(*) filter (where assignee_id is null) "
        f"from {TABLE}",
    ) == [(4, date(2026, 5, 4), date(2026, 5, 4), "file_name", 4, 583242, 1)]
    # Times keep the API's text with its offset; staging converts them to UTC.
    assert query(
        warehouse,
        f"select assignee_login, assigning_team_slug, created_at, last_activity_at, last_activity_editor "
        f"from {TABLE} where _row_number = 1",
    ) == [
        (
            "OctoCat",
            "justice-league",
            "2026-01-03T09:00:00-06:00",
            "2026-05-01T18:53:32-06:00",
            "vscode/1.99.0/copilot/1.308.0",
        )
    ]


def test_a_deleted_users_seat_is_loaded_not_quarantined(landing, warehouse):
    land_fixture(landing, "copilot_seats", "copilot_seats_acme_2026-05-04.json")
    ingest(warehouse, landing, SPECS)

    assert query(
        warehouse,
        f"select assignee_login, assignee_id, pending_cancellation_date, last_activity_at from {TABLE} "
        "where assignee_id is null",
    ) == [(None, None, date(2026, 6, 1), "2026-02-10T08:00:00+01:00")]
    assert query(warehouse, "select count(*) from ingest.quarantine") == [(0,)]


def test_json_lines_of_pages_load_every_page_and_new_seat_fields_are_kept_as_extra(landing, warehouse):
    land_fixture(landing, "copilot_seats", "copilot_seats_acme_2026-05-11.jsonl")

    [load] = ingest(warehouse, landing, SPECS).values()

    assert (load.status, load.rows_loaded, load.extra_columns) == ("loaded", 3, "premium_requests_used")
    rows = query(
        warehouse,
        f"select _row_number, assignee_login, listing_total_seats, _extra::varchar from {TABLE} order by 1",
    )
    assert rows == [
        (1, "OctoCat", 3, '{"premium_requests_used":12}'),
        (2, "monalisa", 3, None),
        (3, "newjoiner", 3, None),
    ]


def test_enterprise_listing_keeps_each_seats_organisation(landing, warehouse):
    land_fixture(landing, "copilot_seats", "enterprise_seats_2026-05-04.json")
    ingest(warehouse, landing, SPECS)

    assert query(
        warehouse,
        f"select organization_login, organization_id, assignee_login, plan_type, assigning_team_id "
        f"from {TABLE} order by 1",
    ) == [("acme", 9919, "monalisa", "enterprise", None), ("acme-labs", 9920, "monalisa", "enterprise", "44")]


def test_a_bare_seats_array_loads_without_a_listing_total(landing, warehouse):
    _write_json(landing / "copilot_seats" / "seats_only_2026-05-04.json", [SEAT, {**SEAT, "assignee": None}])

    [load] = ingest(warehouse, landing, SPECS).values()

    assert (load.status, load.rows_loaded) == ("loaded", 2)
    assert query(
        warehouse, f"select count(*), count(listing_total_seats), count(assignee_id) from {TABLE}"
    ) == [(2, 0, 1)]


def test_malformed_seats_are_quarantined_with_their_row_and_the_rest_loads(landing, warehouse):
    land_fixture(landing, "copilot_seats", "copilot_seats_malformed_2026-05-18.json")

    [load] = ingest(warehouse, landing, SPECS).values()

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 5, 2, 3)
    assert query(warehouse, f"select assignee_login from {TABLE} order by 1") == [
        ("newjoiner",),
        ("octocat",),
    ]
    assert query(warehouse, "select row_number, reason from ingest.quarantine order by 1") == [
        (2, "seat is not a JSON object"),
        (3, "last_activity_at is not an ISO 8601 date-time"),
        (4, "missing required field created_at"),
    ]


def _write_json(path, document) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))


SEAT = {"created_at": "2026-01-03T09:00:00Z", "assignee": {"login": "octocat", "id": 1}}


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        (
            "first_page_only_2026-05-04.json",
            {"total_seats": 120, "seats": [SEAT, SEAT]},
            "the listing is incomplete: total_seats is 120 but the file holds 2 seats; "
            "fetch every page (per_page up to 100) into one file",
        ),
        (
            "not_found_2026-05-04.json",
            {"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"},
            "the file holds a GitHub API error, not seats: Not Found",
        ),
        (
            "usage_2026-05-04.json",
            {"total_active_users": 3},
            'not a Copilot seat listing: expected pages like {"total_seats": N, "seats": [...]}',
        ),
        (
            "seats_2026-02-30.json",
            {"total_seats": 1, "seats": [SEAT]},
            "the file name's date 2026-02-30 is not a calendar date; "
            "rename the file with the day the listing was taken (YYYY-MM-DD)",
        ),
    ],
)
def test_a_broken_listing_is_rejected_whole_with_a_clear_message(landing, warehouse, name, content, error):
    _write_json(landing / "copilot_seats" / name, content)

    [load] = ingest(warehouse, landing, SPECS).values()

    assert (load.status, load.error, load.rows_loaded) == ("rejected", error, 0)
    assert query(warehouse, f"select count(*) from {TABLE}") == [(0,)]


def test_a_file_that_is_not_json_is_rejected(landing, warehouse):
    path = landing / "copilot_seats" / "truncated_2026-05-04.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"total_seats": 2, "seats": [{"created_at": "2026-01-03T09:00:00Z"}, {"crea')

    [load] = ingest(warehouse, landing, SPECS).values()

    assert load.status == "rejected"
    assert load.error.startswith("not valid JSON: ")
    assert query(warehouse, f"select count(*) from {TABLE}") == [(0,)]


def test_snapshot_date_is_the_last_date_in_the_file_name_else_the_files_utc_modification_date(tmp_path):
    named = tmp_path / "copilot_seats_acme_2026-05-04_fetched_2026-05-05.json"
    named.write_text("{}")
    undated = tmp_path / "copilot_seats_acme.json"
    undated.write_text("{}")
    # 23:30 on 3 May in UTC-5 is already 4 May in UTC.
    moment = datetime(2026, 5, 4, 4, 30, tzinfo=UTC).timestamp()
    os.utime(undated, (moment, moment))

    assert snapshot_date(named) == (date(2026, 5, 5), "file_name")
    assert snapshot_date(undated) == (date(2026, 5, 4), "file_modified_time")
    assert snapshot_date(tmp_path / "seats_20260504_2026-05-04.csv") == (date(2026, 5, 4), "file_name")
    with pytest.raises(RejectedFile, match="2026-13-01 is not a calendar date"):
        snapshot_date(tmp_path / "seats_2026-13-01.json")


def test_a_listing_without_a_date_in_its_name_takes_its_modification_date(landing, warehouse):
    path = land_fixture(landing, "copilot_seats", "copilot_seats_acme_2026-05-04.json", name="seats.json")
    moment = datetime(2026, 5, 6, 12, 0, tzinfo=UTC).timestamp()
    os.utime(path, (moment, moment))

    ingest(warehouse, landing, SPECS)

    assert query(warehouse, f"select distinct snapshot_date, snapshot_date_from from {TABLE}") == [
        (date(2026, 5, 6), "file_modified_time")
    ]


def test_writer_is_deterministic_and_its_listings_load_without_quarantine(tmp_path):
    first, last = date(2026, 4, 20), date(2026, 5, 6)
    run_writers([CopilotSeatsWriter(seed=7)], tmp_path / "a", first, last)
    run_writers([CopilotSeatsWriter(seed=7)], tmp_path / "b", first, last)
    run_writers([CopilotSeatsWriter(seed=8)], tmp_path / "c", first, last)

    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")
    # Mondays 20 April, 27 April and 4 May, and the last day.
    assert sorted(digest(tmp_path / "a")) == [
        f"copilot_seats/copilot_seats_{company.GITHUB_ORG}_{day}.jsonl"
        for day in ("2026-04-20", "2026-04-27", "2026-05-04", "2026-05-06")
    ]
    loads = ingest(tmp_path / "w.duckdb", tmp_path / "a", SPECS)
    assert {(load.status, load.rows_quarantined) for load in loads.values()} == {("loaded", 0)}
    coders = sum(1 for s in company.SEATS if s.tool_id == "github_copilot")
    assert query(
        tmp_path / "w.duckdb",
        f"select snapshot_date, count(*), count(last_activity_at), max(listing_total_seats) from {TABLE} "
        "group by 1 order by 1",
    ) == [
        (date(2026, 4, 20), coders, coders - 1, coders),
        (date(2026, 4, 27), coders, coders - 1, coders),
        (date(2026, 5, 4), coders, coders - 1, coders),
        (date(2026, 5, 6), coders, coders - 1, coders),
    ]


def test_writer_follows_a_persons_team_move_and_their_idle_and_stopped_seats(tmp_path):
    # p004 moves from engineering to platform on 1 May 2026; the seat of the coder who stops on
    # 15 June shows June activity at most; one idle seat was never used, the other once, months ago.
    run_writers([CopilotSeatsWriter(seed=7)], tmp_path / "out", date(2026, 4, 27), date(2026, 7, 6))
    ingest(tmp_path / "w.duckdb", tmp_path / "out", SPECS)
    mover = company.PEOPLE[3].github_login

    assert query(
        tmp_path / "w.duckdb",
        f"select snapshot_date, assigning_team_slug from {TABLE} where assignee_login = ? "
        "and snapshot_date in ('2026-04-27', '2026-05-04') order by 1",
        [mover],
    ) == [(date(2026, 4, 27), "engineering"), (date(2026, 5, 4), "platform")]
    [(stopped,)] = query(
        tmp_path / "w.duckdb",
        f"select max(last_activity_at) from {TABLE} where assignee_login = 'hbrandt-nw'",
    )
    assert "2026-06-01" <= stopped[:10] < "2026-06-15"
    assert query(
        tmp_path / "w.duckdb",
        f"select assignee_login, max(last_activity_at) from {TABLE} "
        "where assignee_login in ('ereyes-nw', 'lmensah-nw') group by 1 order by 1",
    ) == [("ereyes-nw", None), ("lmensah-nw", "2025-08-20T11:41:56+02:00")]


def test_writer_splits_a_listing_into_pages_that_load_as_one_listing(tmp_path, monkeypatch):
    monkeypatch.setattr(sample_seats, "PAGE_SIZE", 8)
    run_writers([CopilotSeatsWriter(seed=7)], tmp_path / "out", date(2026, 5, 4), date(2026, 5, 4))
    [listing] = (tmp_path / "out" / "copilot_seats").iterdir()
    pages = [json.loads(line) for line in listing.read_text().splitlines()]
    coders = sum(1 for s in company.SEATS if s.tool_id == "github_copilot")

    assert [(page["total_seats"], len(page["seats"])) for page in pages] == [
        (coders, 8),
        (coders, 8),
        (coders, 4),
    ]
    [load] = ingest(tmp_path / "w.duckdb", tmp_path / "out", SPECS).values()
    assert (load.status, load.rows_loaded, load.rows_quarantined) == ("loaded", coders, 0)
