"""The overview page renders from the published copy, and its numbers are the warehouse's."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.format import money
from orchestration.paths import DATA_DIR_VARIABLE
from tests.conftest import query

APP = str(Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py")


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


def test_headline_numbers_equal_sql_over_the_published_copy(overview, demo_paths):
    [(total, requests, last_month, unallocated)] = query(
        demo_paths.serving,
        """
        select sum(gateway_cost_usd), sum(requests),
            sum(gateway_cost_usd) filter (where date_trunc('month', spend_date)
                = (select date_trunc('month', max(spend_date)) from marts.fct_daily_gateway_spend)),
            sum(gateway_cost_usd) filter (where team_id = 'unallocated')
        from marts.fct_daily_gateway_spend
        """,
    )

    assert _metric(overview, "Spend in period") == money(total)
    assert _metric(overview, "Requests in period") == f"{requests:,}"
    assert _metric(overview, "Spend in October 2026") == money(last_month)
    assert _metric(overview, "Unallocated share") == f"{unallocated / total:.1%}"


def test_team_table_lists_every_team_with_its_cost(overview, demo_paths):
    expected = query(
        demo_paths.serving,
        "select t.team_name, round(sum(s.gateway_cost_usd), 2)::double from marts.fct_daily_gateway_spend s "
        "join marts.dim_teams t using (team_id) group by 1 order by 2 desc",
    )
    table = overview.dataframe[0].value

    assert list(zip(table["team"], table["cost_usd"].round(2), strict=True)) == expected


def test_without_a_published_copy_the_page_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()

    assert not app.exception
    assert "No published warehouse yet" in app.info[0].value
