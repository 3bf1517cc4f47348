"""Loading Microsoft 365 Copilot usage reports: blank dates, concealed names, new columns, quarantine."""

from __future__ import annotations

from datetime import date

import pytest

from ingest import m365_copilot
from ingest.sample import company
from ingest.sample.seats import M365CopilotWriter
from tests.conftest import query
from tests.ingest.seat_writing import digest, ingest, land_fixture, run_writers

SPECS = [m365_copilot.SPEC]
TABLE = "raw.m365_copilot_usage_user_detail"
REPORT = "copilot_usage_user_detail_D7_2026-05-10.csv"


@pytest.fixture
def landing(tmp_path):
    return tmp_path / "landing"


@pytest.fixture
def warehouse(tmp_path):
    return tmp_path / "warehouse.duckdb"


def test_report_loads_one_row_per_licensed_user_and_blank_dates_are_null(landing, warehouse):
    land_fixture(landing, "m365_copilot", REPORT)

    [load] = ingest(warehouse, landing, SPECS).values()

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 4, 4, 0)
    assert query(
        warehouse,
        f"select user_principal_name, last_activity_date, copilot_chat_last_activity_date, "
        f"teams_copilot_last_activity_date, loop_copilot_last_activity_date, report_period "
        f"from {TABLE} order by _row_number",
    ) == [
        (
            "ada.okafor@northwind.example",
            date(2026, 5, 8),
            date(2026, 5, 8),
            date(2026, 5, 7),
            date(2026, 1, 20),
            7,
        ),
        ("ben.kowalski@northwind.example", None, None, None, None, 7),
        ("7F3C2A104B8E4D2F9A610C5E8D7B1A22", date(2026, 5, 4), date(2026, 5, 4), None, None, 7),
        ("Carla.Fischer@northwind.example", date(2026, 4, 20), None, date(2026, 4, 20), None, 7),
    ]
    assert query(warehouse, f"select distinct report_refresh_date from {TABLE}") == [(date(2026, 5, 10),)]


def test_a_concealed_user_loads_as_the_tenant_wrote_it(landing, warehouse):
    land_fixture(landing, "m365_copilot", REPORT)
    ingest(warehouse, landing, SPECS)

    assert query(warehouse, f"select display_name from {TABLE} where user_principal_name not like '%@%'") == [
        ("0C5E8D7B1A227F3C2A104B8E4D2F9A61",)
    ]


def test_columns_of_a_newer_report_version_are_kept_as_drift(landing, warehouse):
    land_fixture(landing, "m365_copilot", "copilot_usage_user_detail_D7_v2_2026-05-17.csv")

    [load] = ingest(warehouse, landing, SPECS).values()

    assert (load.status, load.rows_loaded, load.rows_quarantined) == ("loaded", 2, 0)
    assert load.extra_columns == (
        "Copilot Chat (work) Last Activity Date, Prompts submitted for all apps, "
        "Active Usage Days for all apps"
    )
    assert query(
        warehouse,
        f"select user_principal_name, last_activity_date, _extra->>'Prompts submitted for all apps', "
        f"_extra->>'Copilot Chat (work) Last Activity Date' from {TABLE} order by _row_number",
    ) == [
        ("ada.okafor@northwind.example", date(2026, 5, 15), "42", "2026-05-15"),
        ("ben.kowalski@northwind.example", None, "0", None),
    ]


def test_malformed_rows_are_quarantined_with_their_line_and_reason(landing, warehouse):
    land_fixture(landing, "m365_copilot", "copilot_usage_user_detail_D7_malformed_2026-05-24.csv")

    [load] = ingest(warehouse, landing, SPECS).values()

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 5, 2, 3)
    assert query(warehouse, "select row_number, reason from ingest.quarantine order by 1") == [
        (3, "Last Activity Date is not a valid date: 2026-13-01"),
        (4, "missing required field User Principal Name"),
        (6, "expected 13 cells, found 4"),
    ]


def test_a_report_missing_a_required_column_is_rejected_and_nothing_loads(landing, warehouse):
    path = landing / "m365_copilot" / "copilot_usage_summary.csv"
    path.parent.mkdir(parents=True)
    path.write_text("Report Refresh Date,Enabled Users,Active Users\n2026-05-10,120,80\n")

    [load] = ingest(warehouse, landing, SPECS).values()

    assert load.status == "rejected"
    assert load.error == (
        "missing required column(s) User Principal Name; "
        "the header has: Report Refresh Date, Enabled Users, Active Users"
    )
    assert query(warehouse, f"select count(*) from {TABLE}") == [(0,)]


def test_writer_is_deterministic_and_its_reports_load_without_quarantine(tmp_path):
    first, last = date(2026, 2, 23), date(2026, 3, 19)
    run_writers([M365CopilotWriter(seed=7)], tmp_path / "a", first, last)
    run_writers([M365CopilotWriter(seed=7)], tmp_path / "b", first, last)

    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    # Seats are assigned on 1 March: no report before; weekly from 2 March, and the last day.
    assert sorted(digest(tmp_path / "a")) == [
        "m365_copilot/copilot_usage_user_detail_D7_2026-03-02.csv",
        "m365_copilot/copilot_usage_user_detail_D7_2026-03-09.csv",
        "m365_copilot/copilot_usage_user_detail_D7_2026-03-16.csv",
        "m365_copilot/copilot_usage_user_detail_D7_2026-03-19.csv",
    ]
    loads = ingest(tmp_path / "w.duckdb", tmp_path / "a", SPECS)
    assert {(load.status, load.rows_quarantined, load.extra_columns) for load in loads.values()} == {
        ("loaded", 0, None)
    }
    holders = sum(1 for s in company.SEATS if s.tool_id == "m365_copilot")
    rows = query(
        tmp_path / "w.duckdb",
        f"select report_refresh_date, count(*), count(last_activity_date), max(last_activity_date) "
        f"from {TABLE} group by 1 order by 1",
    )
    # Every holder is listed from the first report; on the first day not all have tried it yet,
    # a week later all have but the one who never uses it. No activity is after the refresh date.
    assert [(day, n, used) for day, n, used, _ in rows] == [
        (date(2026, 3, 2), holders, holders - 2),
        (date(2026, 3, 9), holders, holders - 1),
        (date(2026, 3, 16), holders, holders - 1),
        (date(2026, 3, 19), holders, holders - 1),
    ]
    assert all(latest <= day for day, _, _, latest in rows)
