"""The sprawl page: idle seats and their cost are the marts' own, the team filter narrows them to the seat
holder's team, the reclaim list (and its CSV download) is fct_idle_seats row for row, overlap and team
sprawl are the latest month's, and shadow and unallocated shares equal SQL over the same serving copy."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from app.format import money
from tests.app.conftest import open_page, shown_metrics, table_starting_with
from tests.conftest import query

PAGE = "views/sprawl.py"
RECLAIM_DOWNLOAD = "download_idle_seats_reclaim_list"

# The reclaim list as finance reads it: names, not ids; "never" for a seat never used.
RECLAIM_LIST = """
    select
        i.holder_display_name,
        coalesce(i.holder_email, ''),
        t.team_name,
        i.tool_name,
        coalesce(strftime(i.last_activity_date, '%Y-%m-%d'), 'never'),
        i.days_idle,
        i.monthly_price::double,
        i.currency
    from marts.fct_idle_seats as i
    inner join marts.dim_teams as t on i.team_id = t.team_id
    where list_contains(?, i.team_id)
    order by i.days_idle desc, i.monthly_price desc, i.holder_display_name, i.tool_name
"""


class RecordingStorage(MemoryMediaFileStorage):
    """The media storage of an AppTest run, keeping every file so a test can read a download's bytes."""

    files: ClassVar[dict[str, bytes]] = {}

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None) -> str:
        file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
        RecordingStorage.files[file_id] = self.get_file(file_id).content
        return file_id


@pytest.fixture
def page(demo_paths, monkeypatch) -> AppTest:
    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", RecordingStorage)
    return open_page(demo_paths.root, monkeypatch, PAGE)


def _seats(app: AppTest) -> pd.DataFrame:
    return table_starting_with(app, "Tool", "Team", "Seats assigned")


def _reclaim(app: AppTest) -> pd.DataFrame:
    return table_starting_with(app, "Holder", "Email", "Team", "Tool", "Last activity")


def _overlap(app: AppTest) -> pd.DataFrame:
    return table_starting_with(app, "Person", "Team", "Category")


def _team_sprawl(app: AppTest) -> pd.DataFrame:
    return table_starting_with(app, "Team", "Vendors", "Tools")


def _shadow(app: AppTest) -> pd.DataFrame:
    return table_starting_with(app, "Month", "Source", "Billed")


def _all_teams(database: Path) -> list[str]:
    return [team for (team,) in query(database, "select team_id from marts.dim_teams")]


def _seat_figures(database: Path, month: str, teams: list[str]) -> tuple:
    [row] = query(
        database,
        """
        select sum(seats_assigned), sum(seats_idle), sum(idle_monthly_cost)::double
        from marts.fct_seat_utilisation
        where seat_month = ? and list_contains(?, team_id)
        """,
        [month, teams],
    )
    return row


def _shown_seat_figures(app: AppTest) -> tuple[str, str, str]:
    metrics = shown_metrics(app)
    return metrics["Seats assigned"], metrics["Idle seats"], metrics["Idle cost per month"]


def _expected_seat_figures(assigned, idle, idle_cost) -> tuple[str, str, str]:
    return f"{int(assigned):,}", f"{int(idle):,}", money(idle_cost)


def test_idle_seats_and_their_cost_equal_the_latest_month_of_seat_utilisation(page, demo_paths):
    database = demo_paths.serving
    [(latest,)] = query(database, "select max(seat_month)::varchar from marts.fct_seat_utilisation")
    assigned, idle, idle_cost = _seat_figures(database, latest, _all_teams(database))
    per_tool_and_team = query(
        database,
        """
        select tools.tool_name, teams.team_name, u.seats_assigned, u.seats_active_28d, u.seats_idle,
            u.idle_monthly_cost::double
        from marts.fct_seat_utilisation as u
        inner join marts.dim_tools as tools on u.tool_id = tools.tool_id
        inner join marts.dim_teams as teams on u.team_id = teams.team_id
        where u.seat_month = ?
        order by 1, 2
        """,
        [latest],
    )
    seats = _seats(page).sort_values(["Tool", "Team"])

    assert idle > 0
    assert idle_cost > 0
    assert _shown_seat_figures(page) == _expected_seat_figures(assigned, idle, idle_cost)
    assert shown_metrics(page)["Idle share"] == f"{idle / assigned:.1%}"
    assert f"Seat utilisation, {pd.Timestamp(latest):%B %Y}" in [h.value for h in page.subheader]
    shown = seats[
        ["Tool", "Team", "Seats assigned", "Active seats", "Idle seats", "Idle cost per month"]
    ].itertuples(index=False, name=None)
    assert list(shown) == per_tool_and_team


def test_the_team_filter_narrows_seats_reclaim_list_overlap_and_sprawl_to_that_team(page, demo_paths):
    database = demo_paths.serving
    [(latest,)] = query(database, "select max(seat_month)::varchar from marts.fct_seat_utilisation")
    everyone = _seat_figures(database, latest, _all_teams(database))
    engineering = _seat_figures(database, latest, ["engineering"])
    [(overlapping, extra)] = query(
        database,
        "select count(distinct person_id), sum(extra_seat_monthly_cost)::double from marts.fct_tool_overlap "
        "where seat_month = ? and team_id = 'engineering'",
        [latest],
    )

    page.sidebar.multiselect(key="filter_teams").set_value(["engineering"]).run()

    assert not page.exception, page.exception
    assert 0 < engineering[1] < everyone[1]
    assert _shown_seat_figures(page) == _expected_seat_figures(*engineering)
    assert set(_seats(page)["Team"]) == {"Engineering"}
    reclaim = _reclaim(page)
    assert set(reclaim["Team"]) == {"Engineering"}
    assert len(reclaim) == len(query(database, RECLAIM_LIST, [["engineering"]]))
    assert shown_metrics(page)["Saving per month"] == money(reclaim["Monthly price"].sum())
    assert set(_overlap(page)["Team"]) == {"Engineering"}
    assert shown_metrics(page)["People with overlapping tools"] == f"{overlapping:,}"
    assert shown_metrics(page)["Extra cost per month"] == money(extra)
    assert _team_sprawl(page)["Team"].tolist() == ["Engineering"]


def test_the_reclaim_list_is_fct_idle_seats_and_its_csv_download_holds_every_row(page, demo_paths):
    database = demo_paths.serving
    expected = query(database, RECLAIM_LIST, [_all_teams(database)])
    [(as_of, saving)] = query(
        database, "select max(as_of_date), sum(monthly_price)::double from marts.fct_idle_seats"
    )
    reclaim = _reclaim(page)
    columns = ["Holder", "Email", "Team", "Tool", "Last activity", "Days idle", "Monthly price", "Currency"]

    assert len(expected) > 0
    assert any(row[4] == "never" for row in expected)
    assert list(reclaim[columns].fillna("").itertuples(index=False, name=None)) == expected
    assert shown_metrics(page)["Seats to reclaim"] == f"{len(expected):,}"
    assert shown_metrics(page)["Saving per month"] == money(saving)
    assert any(f"{as_of:%d %b %Y}, the newest day with seat data" in c.value for c in page.caption)

    url = page.download_button(key=RECLAIM_DOWNLOAD).proto.url
    downloaded = RecordingStorage.files[Path(url).stem].decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(downloaded)))
    assert [
        (
            r["Holder"],
            r["Email"],
            r["Team"],
            r["Tool"],
            r["Last activity"],
            int(r["Days idle"]),
            float(r["Monthly price"]),
            r["Currency"],
        )
        for r in rows
    ] == expected


def test_overlap_and_team_sprawl_are_the_latest_month_of_the_period(page, demo_paths):
    database = demo_paths.serving
    [(month, people, extra)] = query(
        database,
        "select seat_month::varchar, count(distinct person_id), sum(extra_seat_monthly_cost)::double "
        "from marts.fct_tool_overlap "
        "where seat_month = (select max(seat_month) from marts.fct_seat_utilisation) group by seat_month",
    )
    sprawl = query(
        database,
        """
        select t.team_name, s.vendor_count, s.tool_count, s.model_count, s.shadow_provider_count
        from marts.fct_team_tool_sprawl as s
        inner join marts.dim_teams as t on s.team_id = t.team_id
        where s.sprawl_month = (select max(sprawl_month) from marts.fct_team_tool_sprawl)
        order by 1
        """,
    )
    overlap = _overlap(page)
    shown = _team_sprawl(page).sort_values("Team")

    assert people > 0
    assert shown_metrics(page)["People with overlapping tools"] == f"{people:,}"
    assert shown_metrics(page)["Extra cost per month"] == money(extra)
    assert overlap["Extra cost per month"].sum() == pytest.approx(extra)
    assert (overlap["Tools held"] >= 2).all()
    teams = shown[["Team", "Vendors", "Tools", "Models", "Shadow providers"]]
    assert list(teams.itertuples(index=False, name=None)) == sprawl
    assert shown["People with overlapping tools"].sum() == people
    assert f"People paying for overlapping tools, {pd.Timestamp(month):%B %Y}" in [
        h.value for h in page.subheader
    ]


def test_shadow_and_unallocated_shares_equal_sql_and_the_period_picks_the_months(page, demo_paths):
    database = demo_paths.serving
    totals_sql = """
        select sum(shadow_billed_cost)::double, sum(shadow_billed_cost) / sum(billed_cost),
            sum(unallocated_billed_cost) / sum(billed_cost)
        from marts.fct_shadow_and_unallocated_spend
        where charge_month between ? and ?
    """
    [(shadow, shadow_share, unallocated_share)] = query(database, totals_sql, ["2000-01-01", "2100-01-01"])
    per_row = query(
        database,
        "select shadow_share, unallocated_share, coalesce(shadow_providers, '') "
        "from marts.fct_shadow_and_unallocated_spend order by charge_month, source_system",
    )
    table = _shadow(page)

    assert shadow > 0
    assert shown_metrics(page)["Shadow spend in period"] == money(shadow)
    assert shown_metrics(page)["Shadow share"] == f"{shadow_share:.1%}"
    assert shown_metrics(page)["Unallocated share"] == f"{unallocated_share:.1%}"
    shown = table[["Shadow share", "Unallocated share", "Shadow providers"]].astype(object)
    assert list(shown.where(shown.notna(), None).itertuples(index=False, name=None)) == per_row
    assert "Google Cloud" in set(table["Shadow providers"])
    assert any("This table has no team" in c.value for c in page.caption)

    page.sidebar.date_input(key="filter_period").set_value(("2026-08-01", "2026-08-31")).run()

    assert not page.exception, page.exception
    [(august_shadow, august_share, _)] = query(database, totals_sql, ["2026-08-01", "2026-08-01"])
    assert set(pd.to_datetime(_shadow(page)["Month"]).dt.strftime("%Y-%m")) == {"2026-08"}
    assert shown_metrics(page)["Shadow spend in period"] == money(august_shadow)
    assert shown_metrics(page)["Shadow share"] == f"{august_share:.1%}"
    assert "Seat utilisation, August 2026" in [h.value for h in page.subheader]
    august_seats = _seat_figures(database, "2026-08-01", _all_teams(database))
    assert _shown_seat_figures(page) == _expected_seat_figures(*august_seats)


def test_the_page_says_which_filters_do_not_apply(page):
    captions = " ".join(c.value for c in page.caption)

    assert "provider and workflow filters do not apply to seats" in captions
    assert "the team, provider and workflow filters do not apply to it" in captions
    assert "whatever the period picked" in captions
