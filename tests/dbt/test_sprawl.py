"""Sprawl marts tell the sample company's seat, overlap and shadow-spend story and add up to their inputs."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from datetime import date
from decimal import Decimal

import duckdb

from ingest.sample import company
from tests.conftest import query

SEAT_DAYS = "marts.fct_seat_days"
UTILISATION = "marts.fct_seat_utilisation"
IDLE = "marts.fct_idle_seats"
OVERLAP = "marts.fct_tool_overlap"
SPRAWL = "marts.fct_team_tool_sprawl"
SHADOW = "marts.fct_shadow_and_unallocated_spend"
LEDGER = "marts.focus_cost_and_usage"
NEWEST_DAY = date(2026, 10, 31)
# Cursor seats start on 1 February 2026; six engineers keep their Copilot seat beside it.
OVERLAP_FROM = date(2026, 2, 1)
GEMINI_FROM = date(2026, 6, 1)


def _dicts(database, sql: str) -> list[dict]:
    """Rows of a read-only query as dicts by column name; money as Decimal, shares as float."""
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _person_id(email: str) -> str:
    return next(p.person_id for p in company.PEOPLE if p.email == email)


def test_the_reclaim_list_is_the_idle_seats_of_the_newest_day(demo_paths):
    listed = query(demo_paths.warehouse, f"select seat_id, as_of_date from {IDLE}")
    idle_days = query(
        demo_paths.warehouse,
        f"select seat_id from {SEAT_DAYS} where seat_date = ? and not is_active_28d",
        [NEWEST_DAY],
    )

    assert sorted(seat for seat, _ in listed) == sorted(seat for (seat,) in idle_days)
    assert {as_of for _, as_of in listed} == {NEWEST_DAY}
    # The story's idle seats: never (or once) used, and the Copilot seat whose holder stopped in June.
    expected = {(s.tool_id, _person_id(s.email)) for s in company.SEATS if s.activity == 0 or s.stops_on}
    rows = query(
        demo_paths.warehouse,
        f"select tool_id, person_id, holder_email, days_idle, monthly_price, last_activity_date from {IDLE}",
    )
    assert {(tool, person) for tool, person, *_ in rows} == expected
    assert len(rows) == 6
    people = {p.person_id: p.email for p in company.PEOPLE}
    prices = {t.tool_id: Decimal(str(t.monthly_price_usd)) for t in company.SEAT_TOOLS.values()}
    for tool, person, email, days_idle, price, last_used in rows:
        assert email == people[person]
        assert price == prices[tool]
        assert days_idle is None or days_idle >= 28
        assert last_used is None or (NEWEST_DAY - last_used).days >= 28
    [stopper] = [s for s in company.SEATS if s.stops_on]
    [(last_used,)] = query(
        demo_paths.warehouse,
        f"select last_activity_date from {IDLE} where person_id = ? and tool_id = ?",
        [_person_id(stopper.email), stopper.tool_id],
    )
    assert last_used < stopper.stops_on


def test_utilisation_counts_the_seat_listing_of_each_month_end(demo_paths):
    per_month = query(
        demo_paths.warehouse,
        f"""
        select u.seat_month, u.tool_id, sum(u.seats_assigned), sum(u.seats_active_28d), sum(u.seats_idle),
            (select count(*) from {SEAT_DAYS} d where d.seat_date = u.as_of_date and d.tool_id = u.tool_id)
        from {UTILISATION} u
        group by u.seat_month, u.tool_id, u.as_of_date
        """,
    )

    assert len(per_month) >= 50
    for _, _, assigned, active, idle, listed in per_month:
        assert assigned == listed
        assert active + idle == assigned
    # October is as of its last day, a listing day: every seat of the story, at its list price.
    october = query(
        demo_paths.warehouse,
        f"select tool_id, sum(seats_assigned), sum(seat_monthly_cost), min(as_of_date), min(days_with_data) "
        f"from {UTILISATION} where seat_month = ? group by tool_id order by tool_id",
        [date(2026, 10, 1)],
    )
    seats = defaultdict(int)
    for seat in company.SEATS:
        seats[seat.tool_id] += 1
    prices = {tool: Decimal(str(t.monthly_price_usd)) for tool, t in company.SEAT_TOOLS.items()}
    assert october == [
        (tool, seats[tool], seats[tool] * prices[tool], NEWEST_DAY, 31) for tool in sorted(seats)
    ]
    # A whole month of unchanged seats costs the ledger exactly the month's seat prices.
    [(utilisation_cost, ledger_cost)] = query(
        demo_paths.warehouse,
        f"select (select sum(seat_monthly_cost) from {UTILISATION} where seat_month = ?), "
        f"(select sum(BilledCost) from {LEDGER} where x_SourceSystem = 'seats' and x_ChargeDate = ?)",
        [date(2026, 10, 1), date(2026, 10, 1)],
    )
    assert utilisation_cost == ledger_cost == Decimal(1460)
    [(idle_seats, idle_cost, idle_listed, idle_listed_cost)] = query(
        demo_paths.warehouse,
        f"select sum(seats_idle), sum(idle_monthly_cost), (select count(*) from {IDLE}), "
        f"(select sum(monthly_price) from {IDLE}) from {UTILISATION} where seat_month = ?",
        [date(2026, 10, 1)],
    )
    # Three Copilot seats at 19, two ChatGPT Enterprise at 60, one Microsoft 365 Copilot at 30.
    assert (idle_seats, idle_cost) == (idle_listed, idle_listed_cost) == (6, Decimal(207))
    shares = query(demo_paths.warehouse, f"select seats_idle, seats_assigned, idle_share from {UTILISATION}")
    assert all(share == idle / assigned for idle, assigned, share in shares)


def test_six_engineers_pay_for_copilot_and_cursor_from_february(demo_paths):
    rows = query(
        demo_paths.warehouse,
        f"select seat_month, person_id, team_id, category, tool_ids, extra_seat_monthly_cost from {OVERLAP}",
    )
    engineers = [p for p in company.PEOPLE if p.team_id == "engineering"][:6]
    months = sorted({month for month, *_ in rows})

    assert months == [date(2026, month, 1) for month in range(2, 11)]
    assert sorted((m, p, t) for m, p, t, *_ in rows) == sorted(
        (month, person.person_id, company.team_of(person, month)) for month in months for person in engineers
    )
    # Cursor (40) beside Copilot (19): the extra seat is the dearer Cursor.
    assert {(category, tools, extra) for _, _, _, category, tools, extra in rows} == {
        ("coding_assistant", "cursor,github_copilot", Decimal(40))
    }
    sprawl = dict(
        query(
            demo_paths.warehouse,
            f"select team_id || '|' || cast(sprawl_month as varchar), overlapping_people_count from {SPRAWL} "
            "where team_id in ('engineering', 'platform') and sprawl_month >= ?",
            [OVERLAP_FROM],
        )
    )
    # One of the six moves to the platform team on 1 May and keeps both seats.
    assert (sprawl["engineering|2026-04-01"], sprawl["platform|2026-04-01"]) == (6, 0)
    assert (sprawl["engineering|2026-10-01"], sprawl["platform|2026-10-01"]) == (5, 1)


def test_team_sprawl_lists_the_tools_each_team_uses(demo_paths):
    rows = query(
        demo_paths.warehouse,
        f"select team_id, sprawl_month, tool_ids, tool_count, seat_tool_count, usage_tool_count, "
        f"vendor_count, shadow_provider_count, model_count from {SPRAWL}",
    )
    by_key = {(team, month): rest for team, month, *rest in rows}

    assert all(tools == seat + usage for _, tools, seat, usage, *_ in by_key.values())
    assert by_key[("engineering", date(2026, 3, 1))][0] == "anthropic_api,cursor,github_copilot,openai_api"
    assert by_key[("engineering", date(2026, 3, 1))][4] == 4  # GitHub, Anysphere, OpenAI, Anthropic
    assert all("amazon_bedrock" in by_key[("platform", m)][0] for t, m in by_key if t == "platform")
    # Azure OpenAI spend carries the data team's tag from March; before that nobody owns it.
    assert "azure_openai" not in by_key[("data", date(2026, 2, 1))][0]
    assert "azure_openai" in by_key[("unallocated", date(2026, 2, 1))][0]
    assert "azure_openai" in by_key[("data", date(2026, 3, 1))][0]
    # Marketing's Gemini on Google Cloud is on no listed tool: a shadow provider and more models.
    marketing = {m: rest for (t, m), rest in by_key.items() if t == "marketing"}
    assert {m: rest[5] for m, rest in marketing.items()} == {m: int(m >= GEMINI_FROM) for m in marketing}
    # Campaign copy's own model plus Gemini, Flash or Pro.
    assert all(rest[6] >= 2 for m, rest in marketing.items() if m >= GEMINI_FROM)
    assert {t for (t, _), rest in by_key.items() if rest[5] > 0} == {"marketing"}


def test_shadow_listed_and_non_ai_spend_add_up_to_the_ledger_to_the_cent(demo_paths):
    rows = _dicts(
        demo_paths.warehouse,
        f"""
        select s.*, l.ledger_billed, l.ledger_unallocated
        from {SHADOW} s
        inner join (
            select x_SourceSystem as source_system, cast(date_trunc('month', x_ChargeDate) as date) as month,
                sum(BilledCost) as ledger_billed,
                sum(case when x_TeamId = 'unallocated' then BilledCost else 0 end) as ledger_unallocated
            from {LEDGER} group by all
        ) l on s.source_system = l.source_system and s.charge_month = l.month
        """,
    )
    [(ledger_total, mart_total)] = query(
        demo_paths.warehouse, f"select (select sum(BilledCost) from {LEDGER}), sum(billed_cost) from {SHADOW}"
    )

    assert mart_total == ledger_total
    assert len(rows) == 5 * 12
    for row in rows:
        assert (row["billed_cost"], row["unallocated_billed_cost"]) == (
            row["ledger_billed"],
            row["ledger_unallocated"],
        )
        parts = row["listed_tool_billed_cost"] + row["shadow_billed_cost"] + row["non_ai_billed_cost"]
        assert parts == row["billed_cost"]
        assert row["listed_tool_billed_cost"] + row["shadow_billed_cost"] == row["ai_billed_cost"]
        shares = row["listed_tool_share"] + row["shadow_share"] + row["non_ai_share"]
        assert abs(shares - 1) < 1e-12
        assert (
            abs(row["unallocated_share"] - float(row["unallocated_billed_cost"] / row["billed_cost"])) < 1e-12
        )
    by_source = defaultdict(list)
    for row in rows:
        by_source[row["source_system"]].append(row)
    # Seats and model APIs are listed tools; seats are all allocated, the legacy bot's key is nobody's.
    assert all(r["shadow_billed_cost"] == r["unallocated_billed_cost"] == 0 for r in by_source["seats"])
    assert all(r["shadow_billed_cost"] == 0 < r["unallocated_billed_cost"] for r in by_source["openai_costs"])
    # AWS: the archive bucket's untagged storage is unallocated, and not AI; Bedrock is allocated.
    assert all(r["non_ai_billed_cost"] > 0 < r["unallocated_billed_cost"] for r in by_source["aws_cur"])
    assert all(r["ai_unallocated_billed_cost"] == 0 for r in by_source["aws_cur"])
    # Azure OpenAI carries the data team's tag only from March 2026.
    assert all(
        (r["unallocated_billed_cost"] > 0) == (r["charge_month"] < company.AZURE_TAGGED_FROM)
        for r in by_source["focus"]
    )


def test_the_only_shadow_spend_is_marketing_gemini_on_google_cloud(demo_paths):
    shadow = query(
        demo_paths.warehouse,
        f"select source_system, charge_month, shadow_billed_cost, shadow_providers from {SHADOW} "
        "where shadow_billed_cost <> 0 order by charge_month",
    )
    ledger = query(
        demo_paths.warehouse,
        f"select cast(date_trunc('month', x_ChargeDate) as date), sum(BilledCost), min(x_TeamId), "
        f"max(x_TeamId), min(x_Model) from {LEDGER} where ProviderName = 'Google Cloud' "
        "group by 1 order by 1",
    )

    assert [(m, cost) for _, m, cost, _ in shadow] == [(m, cost) for m, cost, *_ in ledger]
    assert {(source, providers) for source, _, _, providers in shadow} == {("focus", "Google Cloud")}
    assert [m for _, m, *_ in shadow] == [date(2026, month, 1) for month in range(6, 11)]
    assert {(low, high) for _, _, low, high, _ in ledger} == {("marketing", "marketing")}
    assert [model for *_, model in ledger] == ["gemini-2.5-flash"] * 2 + ["gemini-2.5-pro"] * 3


def test_the_google_cloud_focus_export_loads_cleanly_and_reconciles_to_the_cent(demo_paths):
    loads = query(
        demo_paths.warehouse,
        "select status, rows_quarantined, rows_loaded from ingest.file_loads where file like 'focus/gcp/%'",
    )
    newest: dict[str, tuple[str, Decimal]] = {}
    for path in sorted((demo_paths.landing / "focus" / "gcp").rglob("*.csv.gz")):
        period, stamp = path.parent.parent.name, path.parent.name
        with gzip.open(path, "rt", newline="") as f:
            total = sum(Decimal(row["BilledCost"]) for row in csv.DictReader(f))
        if period not in newest or stamp > newest[period][0]:
            newest[period] = (stamp, total)
    ledger = query(
        demo_paths.warehouse,
        f"select strftime(x_ChargeDate, '%Y%m'), sum(BilledCost) from {LEDGER} "
        "where ProviderName = 'Google Cloud' group by 1 order by 1",
    )

    assert len(loads) == 10
    assert all(status == "loaded" and quarantined == 0 and rows > 0 for status, quarantined, rows in loads)
    assert ledger == sorted((period, total) for period, (_, total) in newest.items())
    assert sum(total for _, total in ledger) > Decimal(5)
