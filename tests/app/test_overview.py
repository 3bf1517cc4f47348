"""The overview page renders from the published copy, its numbers are the ledger's, and filters apply."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app.format import money
from orchestration.paths import DATA_DIR_VARIABLE
from tests.app.conftest import APP
from tests.conftest import query

LEDGER = "marts.focus_cost_and_usage"


@pytest.fixture
def overview(demo_paths, monkeypatch) -> AppTest:
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(demo_paths.root))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def _metric(app: AppTest, label_start: str) -> str:
    [metric] = [m for m in app.metric if m.label.startswith(label_start)]
    return metric.value


def _table(app: AppTest, first_column: str):
    [frame] = [d.value for d in app.dataframe if d.value.columns[0] == first_column]
    return frame


def test_headline_numbers_equal_sql_over_the_published_copy(overview, demo_paths):
    [(total, october, unallocated)] = query(
        demo_paths.serving,
        f"""
        select sum(BilledCost), sum(BilledCost) filter (where x_ChargeDate >= '2026-10-01'),
            sum(BilledCost) filter (where x_TeamId = 'unallocated')
        from {LEDGER}
        """,
    )

    assert _metric(overview, "Spend in period") == money(total)
    assert _metric(overview, "Spend in October 2026") == money(october)
    assert _metric(overview, "Unallocated share") == f"{unallocated / total:.1%}"
    assert total > 1000


def test_team_table_lists_every_team_with_its_billed_cost(overview, demo_paths):
    expected = query(
        demo_paths.serving,
        f"select t.team_name, round(sum(l.BilledCost), 2)::double from {LEDGER} l "
        "join marts.dim_teams t on l.x_TeamId = t.team_id group by 1 order by 2 desc",
    )
    table = _table(overview, "team")

    assert list(zip(table["team"], table["billed_usd"].round(2), strict=True)) == expected
    assert table["share"].sum() == pytest.approx(1.0)


def test_a_team_filter_narrows_every_number_to_that_team(overview, demo_paths):
    [(support_total,)] = query(
        demo_paths.serving, f"select sum(BilledCost) from {LEDGER} where x_TeamId = 'support'"
    )

    overview.sidebar.multiselect(key="filter_teams").set_value(["support"]).run()

    assert not overview.exception
    assert _metric(overview, "Spend in period") == money(support_total)
    assert _table(overview, "team")["team"].tolist() == ["Customer Support"]


def test_a_period_filter_keeps_the_days_picked_and_survives_a_page_change(overview, demo_paths):
    [(august,)] = query(
        demo_paths.serving,
        f"select sum(BilledCost) from {LEDGER} where x_ChargeDate between '2026-08-01' and '2026-08-31'",
    )

    overview.sidebar.date_input(key="filter_period").set_value(("2026-08-01", "2026-08-31")).run()
    assert _metric(overview, "Spend in period") == money(august)
    assert _metric(overview, "Spend in August 2026") == money(august)

    overview.switch_page("views/overview.py").run()
    assert _metric(overview, "Spend in period") == money(august)


def test_freshness_names_each_source_with_its_newest_day(overview, demo_paths):
    expected = query(
        demo_paths.serving,
        "select source_name, data_through_date from marts.fct_source_freshness order by 1",
    )
    table = _table(overview, "source")
    shown = [None if pd.isna(day) else day.date() for day in table["data_through"]]

    assert list(zip(table["source"], shown, strict=True)) == expected
    assert ("litellm", date(2026, 10, 31)) in expected
    assert ("reference", None) in expected


def test_without_a_published_copy_the_page_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()

    assert not app.exception
    assert "No published warehouse yet" in app.info[0].value
