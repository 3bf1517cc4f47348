"""Loading seat CSVs of other AI tools: prices with currencies, dates, snapshot dates, quarantine."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ingest import seats
from ingest.sample import company
from ingest.sample.seats import CSV_SEAT_TOOLS, SeatCsvWriter
from tests.conftest import query
from tests.ingest.seat_writing import digest, ingest, land_fixture, run_writers

SPECS = [seats.SPEC]
TABLE = "raw.seats_seats"


@pytest.fixture
def landing(tmp_path):
    return tmp_path / "landing"


@pytest.fixture
def warehouse(tmp_path):
    return tmp_path / "warehouse.duckdb"


def test_seat_listing_loads_prices_exactly_with_their_currencies(landing, warehouse):
    land_fixture(landing, "seats", "seats_2026-05-04.csv")

    [load] = ingest(warehouse, landing, SPECS).values()

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 5, 5, 0)
    assert query(
        warehouse,
        f"select upper(currency), count(*), sum(monthly_price) from {TABLE} group by 1 order by 1 nulls last",
    ) == [("EUR", 1, Decimal("25.5")), ("USD", 3, Decimal("140")), (None, 1, None)]
    assert query(
        warehouse,
        f"select tool, user_email, assigned_date, last_active_date, snapshot_date, snapshot_date_from "
        f"from {TABLE} where _row_number in (3, 6) order by _row_number",
    ) == [
        ("cursor", "Ben.Kowalski@northwind.example", date(2026, 2, 1), None, date(2026, 5, 4), "file_name"),
        ("gemini", "dev.lindqvist@northwind.example", date(2026, 3, 15), None, date(2026, 5, 4), "file_name"),
    ]


def test_bad_prices_currencies_and_dates_are_quarantined_with_their_line(landing, warehouse):
    land_fixture(landing, "seats", "seats_malformed_2026-05-11.csv")

    [load] = ingest(warehouse, landing, SPECS).values()

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 7, 2, 5)
    assert query(warehouse, f"select tool, sum(monthly_price) from {TABLE} group by 1 order by 1") == [
        ("claude_team", Decimal("30")),
        ("cursor", Decimal("40")),
    ]
    assert query(warehouse, "select row_number, reason from ingest.quarantine order by 1") == [
        (3, "monthly_price is negative: -40.000000000000000000"),
        (4, "currency is not a three-letter ISO 4217 code"),
        (5, "currency is not a three-letter ISO 4217 code"),
        (6, "assigned_date is not a valid date: 04/05/2026"),
        (7, "monthly_price is given without a currency"),
    ]


def test_a_listing_missing_a_required_column_is_rejected(landing, warehouse):
    path = landing / "seats" / "members_2026-05-04.csv"
    path.parent.mkdir(parents=True)
    path.write_text("name,email,role\nAda,ada@northwind.example,member\n")

    [load] = ingest(warehouse, landing, SPECS).values()

    assert load.status == "rejected"
    assert load.error == "missing required column(s) tool, user_email; the header has: name, email, role"
    assert query(warehouse, f"select count(*) from {TABLE}") == [(0,)]


def test_a_listing_whose_header_clashes_with_the_loaders_columns_is_rejected(landing, warehouse):
    path = landing / "seats" / "seats_2026-05-04.csv"
    path.parent.mkdir(parents=True)
    path.write_text("tool,user_email,_snapshot_date\ncursor,ada@northwind.example,2026-05-01\n")

    [load] = ingest(warehouse, landing, SPECS).values()

    assert (load.status, load.error) == (
        "rejected",
        "the header has column(s) _snapshot_date, which the loader adds itself",
    )


def test_a_listing_without_a_date_in_its_name_takes_its_modification_date(landing, warehouse):
    path = land_fixture(landing, "seats", "seats_2026-05-04.csv", name="cursor_members.csv")
    moment = datetime(2026, 5, 7, 23, 59, tzinfo=UTC).timestamp()
    os.utime(path, (moment, moment))

    ingest(warehouse, landing, SPECS)

    assert query(warehouse, f"select distinct snapshot_date, snapshot_date_from from {TABLE}") == [
        (date(2026, 5, 7), "file_modified_time")
    ]


def test_writer_is_deterministic_and_its_listings_load_without_quarantine(tmp_path):
    first, last = date(2026, 1, 26), date(2026, 2, 9)
    run_writers([SeatCsvWriter(seed=7)], tmp_path / "a", first, last)
    run_writers([SeatCsvWriter(seed=7)], tmp_path / "b", first, last)

    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    # Claude seats from 10 January, Cursor seats from 1 February: no Cursor listing on 26 January.
    assert sorted(digest(tmp_path / "a")) == [
        "seats/seats_chatgpt_enterprise_2026-01-26.csv",
        "seats/seats_chatgpt_enterprise_2026-02-02.csv",
        "seats/seats_chatgpt_enterprise_2026-02-09.csv",
        "seats/seats_claude_team_2026-01-26.csv",
        "seats/seats_claude_team_2026-02-02.csv",
        "seats/seats_claude_team_2026-02-09.csv",
        "seats/seats_cursor_2026-02-02.csv",
        "seats/seats_cursor_2026-02-09.csv",
    ]
    loads = ingest(tmp_path / "w.duckdb", tmp_path / "a", SPECS)
    assert {(load.status, load.rows_quarantined) for load in loads.values()} == {("loaded", 0)}
    expected = [
        (
            tool,
            sum(1 for s in company.SEATS if s.tool_id == tool),
            Decimal(str(company.SEAT_TOOLS[tool].monthly_price_usd)),
        )
        for tool in sorted(CSV_SEAT_TOOLS)
    ]
    assert (
        query(
            tmp_path / "w.duckdb",
            f"select tool, count(*), max(monthly_price) from {TABLE} where snapshot_date = '2026-02-09' "
            "group by 1 order by 1",
        )
        == expected
    )
    assert query(tmp_path / "w.duckdb", f"select distinct currency from {TABLE}") == [("USD",)]
