"""Seat listings become seat-days and monthly seat charges that tell the sample company's seat story."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest.sample import generate
from orchestration import pipeline
from orchestration.dbt import run_dbt
from orchestration.paths import data_paths
from tests.conftest import query

SELECT = [
    "--select",
    "+fct_seat_days",
    "+int_seat_charges_monthly",
    "+dim_tools",
    "+dim_people",
    "+dim_teams",
    "assert_seat_counts_match_snapshots",
    "--indirect-selection",
    "cautious",
]
# Seats and monthly list prices of the sample company (company.SEATS, company.SEAT_TOOLS).
SEATS_AND_PRICES = {
    "chatgpt_enterprise": (8, Decimal(60)),
    "claude_team": (3, Decimal(30)),
    "cursor": (6, Decimal(40)),
    "github_copilot": (20, Decimal(19)),
    "m365_copilot": (9, Decimal(30)),
}


def _dbt(command: str, paths, tmp_path, extra: list[str]) -> None:
    lines: list[str] = []
    code = run_dbt(command, paths, [*extra, "--target-path", str(tmp_path / "target")], echo=lines.append)
    assert code == 0, "\n".join(lines[-60:])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """18 May to 15 July 2026 generated, loaded and built: Mondays' listings and the 15 July one."""
    tmp_path = tmp_path_factory.mktemp("seat_days")
    paths = data_paths(tmp_path / "data")
    generate(paths.landing, days=59, end=date(2026, 7, 15), requests_per_day=20)
    pipeline.ingest(paths)
    _dbt("build", paths, tmp_path, SELECT)
    return paths, tmp_path


def test_a_whole_month_of_seat_days_costs_exactly_the_monthly_prices(built):
    paths, _ = built
    june = query(
        paths.warehouse,
        "select tool_id, count(distinct seat_id), count(*), sum(daily_cost) from marts.fct_seat_days "
        "where seat_month_start = date '2026-06-01' group by tool_id order by tool_id",
    )
    assert june == [
        (tool, seats, seats * 30, seats * price) for tool, (seats, price) in SEATS_AND_PRICES.items()
    ]
    charges = query(
        paths.warehouse,
        "select tool_id, count(*), sum(seat_days), sum(billed_cost), min(billed_cost), max(billed_cost) "
        "from build_scratch.intermediate.int_seat_charges_monthly "
        "where charge_month_start = date '2026-06-01' "
        "group by tool_id order by tool_id",
    )
    assert charges == [
        (tool, seats, seats * 30, seats * price, price, price)
        for tool, (seats, price) in SEATS_AND_PRICES.items()
    ]
    # 18 to 31 May is 14 of May's 31 days: 19 x 14 / 31 = 8.58064516129... for each Copilot seat.
    assert query(
        paths.warehouse,
        "select distinct billed_cost, seat_days from build_scratch.intermediate.int_seat_charges_monthly "
        "where charge_month_start = date '2026-05-01' and tool_id = 'github_copilot'",
    ) == [(Decimal("8.5806451613"), 14)]


def test_idle_copilot_seats_show_as_idle(built):
    paths, _ = built
    rows = query(
        paths.warehouse,
        "select person_id, count(*), sum(case when is_active_28d then 1 else 0 end), "
        "min(case when not is_active_28d then seat_date end), max(last_activity_date) "
        "from marts.fct_seat_days where tool_id = 'github_copilot' "
        "and person_id in ('p001', 'p005', 'p008', 'p012') group by person_id order by person_id",
    )
    # Ada uses Copilot most working days: active every day.
    assert rows[0][:4] == ("p001", 59, 59, None)
    assert rows[1:] == [
        # Never used.
        ("p005", 59, 0, date(2026, 5, 18), None),
        # Stopped on 15 June: last used Friday 12 June, active through 9 July (day 27), idle from 10 July.
        ("p008", 59, 53, date(2026, 7, 10), date(2026, 6, 12)),
        # Used once, the day the seat was assigned in 2025.
        ("p012", 59, 0, date(2026, 5, 18), date(2025, 8, 20)),
    ]


def test_engineers_pay_for_copilot_and_cursor_on_the_same_days(built):
    paths, _ = built
    both = query(
        paths.warehouse,
        "select copilot.person_id, count(*) from marts.fct_seat_days as copilot "
        "inner join marts.fct_seat_days as cursor on copilot.person_id = cursor.person_id "
        "and copilot.seat_date = cursor.seat_date and cursor.tool_id = 'cursor' "
        "where copilot.tool_id = 'github_copilot' group by copilot.person_id order by copilot.person_id",
    )
    assert both == [(f"p00{n}", 59) for n in range(1, 7)]


def test_seats_follow_their_holders_team_moves(built):
    paths, _ = built
    # Omar (p015) moves from data to engineering on 1 July.
    assert query(
        paths.warehouse,
        "select team_id, min(seat_date), max(seat_date) from marts.fct_seat_days "
        "where person_id = 'p015' group by team_id order by 2",
    ) == [
        ("data", date(2026, 5, 18), date(2026, 6, 30)),
        ("engineering", date(2026, 7, 1), date(2026, 7, 15)),
    ]
    assert query(
        paths.warehouse,
        "select charge_month_start, team_id, holder_id, seat_days "
        "from build_scratch.intermediate.int_seat_charges_monthly "
        "where person_id = 'p015' order by 1",
    ) == [
        (date(2026, 5, 1), "data", "ohorvat-nw", 14),
        (date(2026, 6, 1), "data", "ohorvat-nw", 30),
        (date(2026, 7, 1), "engineering", "ohorvat-nw", 15),
    ]


def test_an_incremental_run_after_new_listings_equals_a_full_rebuild(built):
    paths, tmp_path = built
    generate(paths.landing, days=21, end=date(2026, 8, 5), requests_per_day=20)
    pipeline.ingest(paths)
    _dbt("run", paths, tmp_path, ["--select", "+fct_seat_days"])
    columns = "seat_day_id, team_id, person_id, is_active_28d, snapshot_date, daily_cost, currency"
    incremental = query(paths.warehouse, f"select {columns} from marts.fct_seat_days order by 1")
    rebuilt = query(
        paths.warehouse, f"select {columns} from build_scratch.intermediate.int_seat_days_expanded order by 1"
    )
    assert incremental == rebuilt
    # July is now whole: its seat-days add up to every seat's monthly price.
    july = query(
        paths.warehouse,
        "select tool_id, count(*), sum(daily_cost) from marts.fct_seat_days "
        "where seat_month_start = date '2026-07-01' group by tool_id order by tool_id",
    )
    assert july == [(tool, seats * 31, seats * price) for tool, (seats, price) in SEATS_AND_PRICES.items()]
