"""Seat listings and reference files landed again: the restated models keep only the newest version."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from ingest import copilot_seats, m365_copilot, reference, seats
from orchestration.dbt import run_dbt
from orchestration.paths import data_paths
from tests.conftest import FIXTURES, query
from tests.ingest.seat_writing import ingest, land_fixture

SPECS = [copilot_seats.SPEC, m365_copilot.SPEC, seats.SPEC, *reference.SPECS]
# The sources' staging and restated models only: the rest of the warehouse needs sources this test
# does not load.
MODELS = [
    "stg_copilot_seats__seats",
    "int_copilot_seats_seats_deduplicated",
    "stg_m365_copilot__users",
    "int_m365_copilot_users_deduplicated",
    "stg_seats__seats",
    "int_seats_seats_deduplicated",
    *(f"stg_reference__{spec.source_table}" for spec in reference.SPECS),
    *(f"int_reference_{spec.source_table}_deduplicated" for spec in reference.SPECS),
]


def _refetched_copilot_listing() -> str:
    """The 4 May listing fetched again that evening: octocat's seat was removed in between."""
    page = json.loads((FIXTURES / "copilot_seats" / "copilot_seats_acme_2026-05-04.json").read_text())
    page["seats"] = [s for s in page["seats"] if (s["assignee"] or {}).get("login") != "OctoCat"]
    page["total_seats"] = len(page["seats"])
    return json.dumps(page)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A warehouse holding every fixture, each source then landed again restated, built by dbt."""
    paths = data_paths(tmp_path_factory.mktemp("restated") / "data")
    landing = paths.landing
    for source, fixture in (
        ("copilot_seats", "copilot_seats_acme_2026-05-04.json"),
        ("copilot_seats", "copilot_seats_acme_2026-05-11.jsonl"),
        ("m365_copilot", "copilot_usage_user_detail_D7_2026-05-10.csv"),
        ("seats", "seats_2026-05-04.csv"),
        *(("reference", name) for name in ("teams.csv", "people.csv", "credentials.csv", "tools.csv")),
        *(("reference", name) for name in ("budgets.csv", "labour_rates.csv", "prices.csv", "workflows.csv")),
    ):
        land_fixture(landing, source, fixture)
    first = ingest(paths.warehouse, landing, SPECS)
    assert {load.status for load in first.values()} == {"loaded"}

    (landing / "copilot_seats" / "copilot_seats_acme_2026-05-04_evening.json").write_text(
        _refetched_copilot_listing()
    )
    report = (FIXTURES / "m365_copilot" / "copilot_usage_user_detail_D7_2026-05-10.csv").read_bytes()
    (landing / "m365_copilot" / "copilot_usage_user_detail_D7_2026-05-10_again.csv").write_bytes(
        b"\r\n".join(line for line in report.split(b"\r\n") if b"ben.kowalski" not in line)
    )
    (landing / "seats" / "seats_cursor_2026-05-04.csv").write_text(
        "tool,user_email,assigned_date,last_active_date,monthly_price,currency\n"
        "cursor,ada.okafor@northwind.example,2026-02-01,2026-05-01,32.00,USD\n"
    )
    (landing / "reference" / "teams_2026-06.csv").write_text(
        "team_id,team_name,cost_centre\n"
        "support,Customer Support,CC-410\n"
        "platform,Platform Engineering,CC-210\n"
    )
    second = ingest(paths.warehouse, landing, SPECS)
    assert {(load.status, load.rows_quarantined) for load in second.values()} == {("loaded", 0)}

    lines: list[str] = []
    target = tmp_path_factory.mktemp("target")
    code = run_dbt("build", paths, ["--select", *MODELS, "--target-path", str(target)], echo=lines.append)
    assert code == 0, "\n".join(lines[-40:])
    return paths.warehouse


def test_a_copilot_listing_fetched_again_the_same_day_replaces_the_earlier_one(built):
    assert query(built, "select count(*) from raw.copilot_seats_seats") == [(4 + 3 + 3,)]
    assert query(
        built,
        "select snapshot_date, count(*), count(*) filter (where is_assignee_deleted), "
        "count(*) filter (where assignee_login = 'octocat') "
        "from build_scratch.intermediate.int_copilot_seats_seats_deduplicated group by 1 order by 1",
    ) == [(date(2026, 5, 4), 3, 1, 0), (date(2026, 5, 11), 3, 0, 1)]


def test_copilot_times_with_offsets_are_utc_in_the_warehouse(built):
    # 2026-05-08T16:20:00-05:00 is 21:20 UTC; 2026-05-11T08:05:00+02:00 is 06:05 UTC.
    assert query(
        built,
        "select assignee_login, last_activity_at, seat_created_at "
        "from build_scratch.intermediate.int_copilot_seats_seats_deduplicated "
        "where snapshot_date = '2026-05-11' "
        "and last_activity_at is not null order by 1",
    ) == [
        ("monalisa", datetime(2026, 5, 11, 6, 5), datetime(2025, 11, 20, 9, 15)),
        ("octocat", datetime(2026, 5, 8, 21, 20), datetime(2026, 1, 3, 15, 0)),
    ]


def test_an_m365_report_downloaded_again_replaces_the_earlier_copy(built):
    assert query(
        built,
        "select count(*), count(*) filter (where is_active_in_period), "
        "count(*) filter (where user_principal_name like 'ben.%') "
        "from build_scratch.intermediate.int_m365_copilot_users_deduplicated",
    ) == [(3, 2, 0)]


def test_a_corrected_seat_listing_replaces_only_its_tools_seats_of_that_day(built):
    assert query(
        built,
        "select tool_id, count(*), sum(monthly_price), max(currency) "
        "from build_scratch.intermediate.int_seats_seats_deduplicated group by 1 order by 1",
    ) == [
        ("chatgpt_enterprise", 1, Decimal("60"), "USD"),
        ("claude_team", 1, Decimal("25.5"), "EUR"),
        ("cursor", 1, Decimal("32"), "USD"),
        ("gemini", 1, None, None),
    ]


def test_the_newest_reference_file_replaces_the_older_one_entirely(built):
    assert query(
        built,
        "select team_id, team_name "
        "from build_scratch.intermediate.int_reference_teams_deduplicated order by 1",
    ) == [("platform", "Platform Engineering"), ("support", "Customer Support")]
    assert query(
        built,
        "select person_id, team_id, valid_from, valid_to "
        "from build_scratch.intermediate.int_reference_people_deduplicated "
        "where person_id in ('p004', 'p018') order by 1, 3 nulls first",
    ) == [
        ("p004", "engineering", None, date(2026, 5, 1)),
        ("p004", "platform", date(2026, 5, 1), None),
        ("p018", "support", date(2025, 6, 1), None),
    ]
