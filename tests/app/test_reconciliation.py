"""The reconciliation and data quality page: its numbers are the marts', filters apply where they make
sense, and rejected files and quarantined rows appear with their reasons."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app.format import money
from ingest.sample import generate
from orchestration import pipeline
from orchestration.dbt import run_dbt
from orchestration.paths import DataPaths, data_paths
from tests.app.conftest import open_page
from tests.conftest import FIXTURES, query

PAGE = "views/reconciliation.py"
RECONCILIATION = "marts.fct_billing_reconciliation"
TOTALS = f"""
    select
        sum(billed_usd)::double,
        sum(gateway_estimate_usd)::double,
        sum(gap_usd)::double,
        1 - sum(abs(rounding_usd))::double / sum(
            abs(traffic_not_via_gateway_usd) + abs(price_table_drift_usd)
            + abs(cache_and_batch_pricing_usd) + abs(rounding_usd)
        )::double
    from {RECONCILIATION}
"""


def _open(paths: DataPaths, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return open_page(paths.root, monkeypatch, PAGE)


@pytest.fixture
def page(demo_paths, monkeypatch) -> AppTest:
    return _open(demo_paths, monkeypatch)


@pytest.fixture(scope="module")
def troubled_paths(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    """A small warehouse whose loader refused an empty gateway log and quarantined two lines of another."""
    paths = data_paths(tmp_path_factory.mktemp("troubled") / "data")
    generate(paths.landing, days=7, requests_per_day=20)
    litellm = paths.landing / "litellm"
    shutil.copyfile(FIXTURES / "spend_logs_malformed.jsonl", litellm / "spend_logs_malformed.jsonl")
    (litellm / "empty.jsonl").write_text("")
    pipeline.ingest(paths)
    # Models and seeds only: the page needs the marts, and the project's tests run elsewhere.
    models = ["--resource-type", "model", "--resource-type", "seed"]
    assert run_dbt("build", paths, models, echo=lambda _line: None) == 0
    pipeline.publish_serving_copy(paths)
    return paths


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def _table(app: AppTest, first_column: str, second_column: str | None = None) -> pd.DataFrame:
    [frame] = [
        d.value
        for d in app.dataframe
        if d.value.columns[0] == first_column and second_column in (None, d.value.columns[1])
    ]
    return frame


def _expected_metrics(billed: float, estimate: float, gap: float, explained: float) -> dict[str, str]:
    return {
        "Billed": money(billed),
        "Gateway estimate": money(estimate),
        "Gap": money(gap),
        "Gap explained": f"{explained:.1%}",
    }


def test_headline_numbers_equal_sql_over_the_published_copy(page, demo_paths):
    [(billed, estimate, gap, explained)] = query(demo_paths.serving, TOTALS)

    shown = _metrics(page)

    assert {label: shown[label] for label in ("Billed", "Gateway estimate", "Gap", "Gap explained")} == (
        _expected_metrics(billed, estimate, gap, explained)
    )
    assert billed > 100
    assert gap != 0


def test_the_monthly_table_has_every_provider_and_month_with_its_causes(page, demo_paths):
    columns = [
        "gateway_estimate_usd",
        "billed_usd",
        "gap_usd",
        "traffic_not_via_gateway_usd",
        "price_table_drift_usd",
        "cache_and_batch_pricing_usd",
        "rounding_usd",
    ]
    sums = ", ".join(f"sum({column})::double" for column in columns)
    expected = query(
        demo_paths.serving,
        f"select date_trunc('month', usage_date)::date, provider, {sums} "
        f"from {RECONCILIATION} group by all order by 1, 2",
    )
    table = _table(page, "month")
    shown = [
        (pd.Timestamp(row.month).date(), row.provider, *(getattr(row, c) for c in columns))
        for row in table.itertuples(index=False)
    ]

    assert [row[:2] for row in shown] == [row[:2] for row in expected]
    assert [row[2:] for row in shown] == [pytest.approx(row[2:], abs=1e-9) for row in expected]
    causes = table[columns[3:]].sum(axis=1)
    assert (causes - table["gap_usd"]).abs().max() < 1e-9
    assert {"anthropic", "openai"} <= set(table["provider"])


def test_a_provider_filter_narrows_the_reconciliation_to_that_provider(page, demo_paths):
    [(billed, estimate, gap, explained)] = query(demo_paths.serving, TOTALS + " where provider = 'openai'")
    [(all_billed,)] = query(demo_paths.serving, f"select sum(billed_usd)::double from {RECONCILIATION}")

    page.sidebar.multiselect(key="filter_providers").set_value(["openai"]).run()

    assert not page.exception
    shown = _metrics(page)
    assert {label: shown[label] for label in ("Billed", "Gateway estimate", "Gap", "Gap explained")} == (
        _expected_metrics(billed, estimate, gap, explained)
    )
    assert billed < all_billed
    assert set(_table(page, "month")["provider"]) == {"openai"}


def test_a_period_filter_keeps_the_days_picked_and_a_team_filter_does_not_apply(page, demo_paths):
    [(billed, estimate, gap, explained)] = query(
        demo_paths.serving, TOTALS + " where usage_date between '2026-08-01' and '2026-08-31'"
    )

    page.sidebar.date_input(key="filter_period").set_value(("2026-08-01", "2026-08-31")).run()
    page.sidebar.multiselect(key="filter_teams").set_value(["support"]).run()

    assert not page.exception
    shown = _metrics(page)
    assert {label: shown[label] for label in ("Billed", "Gateway estimate", "Gap", "Gap explained")} == (
        _expected_metrics(billed, estimate, gap, explained)
    )
    assert any("team and workflow filters do not" in caption.value for caption in page.caption)


def test_file_loads_per_source_equal_the_loader_record(page, demo_paths):
    expected = query(
        demo_paths.serving,
        """
        select source_name,
            count(*) filter (where load_status = 'loaded'),
            count(*) filter (where load_status = 'duplicate'),
            sum(rows_loaded)::bigint
        from marts.fct_file_loads group by 1 order by 1
        """,
    )
    table = _table(page, "source", "files_loaded")

    shown = list(
        table[["source", "files_loaded", "files_duplicate", "rows_loaded"]].itertuples(index=False, name=None)
    )
    assert shown == expected
    assert _metrics(page)["Files loaded"] == f"{sum(row[1] for row in expected):,}"


def test_a_clean_load_says_so_and_validation_says_when_it_will_appear(page):
    successes = [element.value for element in page.success]

    assert any(text.startswith("No rejected files") for text in successes)
    assert any(text.startswith("No quarantined rows") for text in successes)
    assert _metrics(page)["Files rejected"] == "0"
    assert any("Validation results appear here once data validation runs" in i.value for i in page.info)


def test_rejected_files_and_quarantined_rows_appear_with_their_reasons(troubled_paths, monkeypatch):
    app = _open(troubled_paths, monkeypatch)

    [rejected] = [d.value for d in app.dataframe if "error" in d.value.columns]
    assert list(rejected[["source", "file", "error"]].itertuples(index=False, name=None)) == [
        ("litellm", "litellm/empty.jsonl", "the file is empty")
    ]
    [quarantined] = [d.value for d in app.dataframe if "line" in d.value.columns]
    assert list(quarantined[["file", "line", "reason"]].itertuples(index=False, name=None)) == [
        ("litellm/spend_logs_malformed.jsonl", 3, "line is not a JSON object"),
        ("litellm/spend_logs_malformed.jsonl", 5, "spend is negative: -2.0"),
    ]
    reasons = _table(app, "source", "reason")
    assert reasons["rows_quarantined"].sum() == 2
    assert _metrics(app)["Files rejected"] == "1"
    assert _metrics(app)["Rows quarantined"] == "2"
    assert not [element for element in app.success if element.value.startswith("No rejected files")]
