"""Loading the company's reference CSVs: one table per file kind, history, hashing, quarantine."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest

from ingest import reference
from ingest.sample import company
from ingest.sample.reference import ReferenceWriter
from tests.conftest import query
from tests.ingest.seat_writing import digest, ingest, land_fixture, run_writers

SPECS = list(reference.SPECS)
FILES = (
    "teams.csv",
    "people.csv",
    "credentials.csv",
    "tools.csv",
    "budgets.csv",
    "labour_rates.csv",
    "prices.csv",
    "workflows.csv",
)


@pytest.fixture
def landing(tmp_path):
    return tmp_path / "landing"


@pytest.fixture
def warehouse(tmp_path):
    return tmp_path / "warehouse.duckdb"


def test_each_file_loads_into_its_own_table(landing, warehouse):
    for name in FILES:
        land_fixture(landing, "reference", name)

    loads = ingest(warehouse, landing, SPECS)

    assert {name: (load.status, load.rows_loaded, load.rows_quarantined) for name, load in loads.items()} == {
        "teams.csv": ("loaded", 3, 0),
        "people.csv": ("loaded", 4, 0),
        "credentials.csv": ("loaded", 6, 0),
        "tools.csv": ("loaded", 3, 0),
        "budgets.csv": ("loaded", 3, 0),
        "labour_rates.csv": ("loaded", 3, 0),
        "prices.csv": ("loaded", 2, 0),
        "workflows.csv": ("loaded", 3, 0),
    }
    assert query(warehouse, "select sum(budget), min(month), max(month) from raw.reference_budgets") == [
        (Decimal("2085"), date(2025, 11, 1), date(2025, 12, 1))
    ]
    assert query(
        warehouse,
        "select model, input, cache_read, cache_write, output, valid_to from raw.reference_prices order by 1",
    ) == [
        (
            "claude-sonnet-4-5",
            Decimal("2.7"),
            Decimal("0.27"),
            Decimal("3.375"),
            Decimal("13.5"),
            date(2026, 7, 1),
        ),
        ("gpt-4.1", Decimal("1.6"), Decimal("0.4"), None, Decimal("6.4"), None),
    ]
    assert query(
        warehouse, "select tool_id, billing_model, list_monthly_price from raw.reference_tools order by 1"
    ) == [
        ("cursor", "seat", Decimal("40")),
        ("github_copilot", "seat", Decimal("19")),
        ("openai_api", "usage", None),
    ]


def test_a_person_who_moved_team_has_two_periods(landing, warehouse):
    land_fixture(landing, "reference", "people.csv")
    ingest(warehouse, landing, SPECS)

    assert query(
        warehouse,
        "select person_id, team_id, valid_from, valid_to from raw.reference_people "
        "order by person_id, _row_number",
    ) == [
        ("p001", "engineering", None, None),
        ("p004", "engineering", None, date(2026, 5, 1)),
        ("p004", "platform", date(2026, 5, 1), None),
        ("p018", "support", date(2025, 6, 1), date(9999, 12, 31)),
    ]


def test_a_gateway_key_is_stored_as_litellms_hash_and_a_pasted_raw_key_is_hashed(landing, warehouse):
    land_fixture(landing, "reference", "credentials.csv")
    ingest(warehouse, landing, SPECS)

    raw_key_hash = hashlib.sha256(b"sk-PLANTEDRAWKEY0123456789abcdef").hexdigest()
    personal = company.ApiKey("personal-dlindqvist-nw", None, None).token_hash
    assert query(
        warehouse,
        "select credential_id, team_id, valid_from, valid_to from raw.reference_credentials "
        "where credential_type = 'litellm_key' order by _row_number",
    ) == [
        (company.ApiKey("svc-ticket-triage", None, None).token_hash, "support", None, None),
        (personal, "engineering", None, date(2026, 5, 1)),  # written upper-case in the file
        (personal, "platform", date(2026, 5, 1), None),
        (raw_key_hash, "engineering", None, None),
    ]
    assert b"PLANTEDRAWKEY" not in warehouse.read_bytes()


def test_malformed_rows_are_quarantined_with_their_line_and_reason(landing, warehouse):
    for name in ("people.csv", "budgets.csv", "credentials.csv", "workflows.csv"):
        land_fixture(landing, "reference", f"malformed/{name}")

    loads = ingest(warehouse, landing, SPECS)

    assert {
        name: (load.rows_read, load.rows_loaded, load.rows_quarantined) for name, load in loads.items()
    } == {
        "people.csv": (4, 1, 3),
        "budgets.csv": (5, 1, 4),
        "credentials.csv": (2, 1, 1),
        "workflows.csv": (3, 1, 2),
    }
    assert query(warehouse, "select file, row_number, reason from ingest.quarantine order by 1, 2") == [
        ("reference/budgets.csv", 3, "month is not a valid date: 2025-13"),
        ("reference/budgets.csv", 4, "budget is negative: -5.000000000000000000"),
        ("reference/budgets.csv", 5, "currency is not a three-letter ISO 4217 code"),
        ("reference/budgets.csv", 6, "month is not a valid date: 11/2025"),
        (
            "reference/credentials.csv",
            3,
            "credential_type is not one of: litellm_key, openai_project, openai_api_key, "
            "anthropic_workspace, anthropic_api_key, aws_iam_principal, aws_tag, azure_resource, azure_tag",
        ),
        ("reference/people.csv", 3, "valid_from is not a valid date: 2026-02-30"),
        ("reference/people.csv", 4, "valid_to is not after valid_from"),
        ("reference/people.csv", 5, "missing required field email"),
        ("reference/workflows.csv", 3, "is_urgent is not one of: true, false, yes, no"),
        ("reference/workflows.csv", 4, "missing required field workflow_id"),
    ]


def test_broken_and_unknown_files_are_rejected_with_a_reason(landing, warehouse):
    folder = landing / "reference"
    folder.mkdir(parents=True)
    (folder / "teams.csv").write_text("team_id,cost_centre\nsupport,CC-410\n")
    (folder / "org_chart.csv").write_text("team_id,team_name\nsupport,Customer Support\n")

    loads = ingest(warehouse, landing, SPECS)

    assert loads["teams.csv"].error == (
        "missing required column(s) team_name; the header has: team_id, cost_centre"
    )
    assert loads["org_chart.csv"].error == (
        "no reference file is named like this; expected: teams*.csv, people*.csv, credentials*.csv, "
        "tools*.csv, budgets*.csv, labour_rates*.csv, prices*.csv, workflows*.csv"
    )
    assert {load.status for load in loads.values()} == {"rejected"}
    assert query(warehouse, "select count(*) from raw.reference_teams") == [(0,)]


def test_a_newer_version_of_a_file_loads_beside_the_older_one(landing, warehouse):
    # Raw keeps every version; int_reference_teams_deduplicated keeps the newest (tests/dbt).
    land_fixture(landing, "reference", "teams.csv")
    ingest(warehouse, landing, SPECS)
    (landing / "reference" / "teams_2026-06.csv").write_text(
        "team_id,team_name,cost_centre\n"
        "support,Customer Support,CC-410\n"
        "platform,Platform Engineering,CC-210\n"
    )
    ingest(warehouse, landing, SPECS)

    assert query(warehouse, "select _file, count(*) from raw.reference_teams group by 1 order by 1") == [
        ("reference/teams.csv", 3),
        ("reference/teams_2026-06.csv", 2),
    ]


def test_writer_is_deterministic_and_tells_the_companys_history_as_of_the_last_day(tmp_path):
    run_writers([ReferenceWriter()], tmp_path / "a", date(2026, 4, 27), date(2026, 5, 3))
    run_writers([ReferenceWriter()], tmp_path / "b", date(2026, 4, 27), date(2026, 5, 3))
    run_writers([ReferenceWriter()], tmp_path / "c", date(2026, 4, 27), date(2026, 10, 31))

    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert sorted(digest(tmp_path / "a")) == [
        f"reference/{name}" for name in sorted(FILES) if name != "prices.csv"
    ]
    for folder in ("a", "c"):
        loads = ingest(tmp_path / f"{folder}.duckdb", tmp_path / folder, SPECS)
        assert {(load.status, load.rows_quarantined) for load in loads.values()} == {("loaded", 0)}
    early, late = tmp_path / "a.duckdb", tmp_path / "c.duckdb"

    # On 3 May one person has moved (1 May) and the other not yet (1 July); by 31 October both have.
    moves = (
        "select person_id, team_id, valid_from, valid_to from raw.reference_people "
        "where person_id in ('p004', 'p015') order by 1, 3 nulls first"
    )
    assert query(early, moves) == [
        ("p004", "engineering", None, date(2026, 5, 1)),
        ("p004", "platform", date(2026, 5, 1), None),
        ("p015", "data", None, None),
    ]
    assert query(late, moves)[-2:] == [
        ("p015", "data", None, date(2026, 7, 1)),
        ("p015", "engineering", date(2026, 7, 1), None),
    ]
    # Every gateway key but the legacy Slack bot's has an owner; the mover's personal key has two periods.
    gateway_keys = {k.token_hash for k in company.API_KEYS if k.team_id is not None}
    [(keys, rows, slackbot)] = query(
        late,
        "select count(distinct credential_id), count(*), count(*) filter (where credential_id = ?) "
        "from raw.reference_credentials where credential_type = 'litellm_key'",
        [company.ApiKey("legacy-slackbot", None, None).token_hash],
    )
    assert (keys, rows, slackbot) == (len(gateway_keys), len(gateway_keys) + 1, 0)
    assert query(
        late,
        "select credential_type, team_id, workflow_id, valid_from from raw.reference_credentials "
        "where credential_type not in ('litellm_key') order by 1, 2",
    ) == [
        ("anthropic_api_key", "engineering", "ci_code_fix", None),
        ("anthropic_api_key", "platform", None, None),
        ("anthropic_workspace", "engineering", None, None),
        ("anthropic_workspace", "platform", None, None),
        ("aws_iam_principal", "platform", "incident_summary", None),
        ("azure_resource", "data", "churn_scoring", company.AZURE_TAGGED_FROM),
        ("openai_api_key", "data", "research_notebooks", None),
        ("openai_api_key", "platform", None, None),
        ("openai_project", "data", None, None),
        ("openai_project", "platform", None, None),
    ]
    # Budgets grow 5% a month for each of the 12 story months: support's 700.00 becomes 1197.24.
    assert query(
        late,
        "select count(*), min(month), max(month), max(budget) filter (where team_id = 'support') "
        "from raw.reference_budgets",
    ) == [(8 * 12, date(2025, 11, 1), date(2026, 10, 1), Decimal("1197.24"))]


def test_the_azure_resource_has_no_owner_before_its_tag_appeared(tmp_path):
    run_writers([ReferenceWriter()], tmp_path / "out", date(2026, 2, 20), date(2026, 2, 28))
    ingest(tmp_path / "w.duckdb", tmp_path / "out", SPECS)

    assert query(
        tmp_path / "w.duckdb",
        "select count(*) from raw.reference_credentials where credential_type = 'azure_resource'",
    ) == [(0,)]
