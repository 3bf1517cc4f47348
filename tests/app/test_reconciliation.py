"""The reconciliation and data quality page: its numbers are the marts', filters apply where they make
sense, rejected files and quarantined rows appear with their reasons, and validation results are the
latest of each raw table, failures first."""

from __future__ import annotations

import shutil

import duckdb
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


MALFORMED = "litellm/spend_logs_malformed.jsonl"
# What the validation step recorded, as (validation_id, validated_at, source, raw_table, suite,
# expectation, column, description, severity, success, rows_failed, examples): v1 checked the OpenAI
# costs and the gateway logs, v2 (a day later) the gateway logs only, so OpenAI's latest validation is
# v1 and v1's gateway failure is history. v2 fails one critical expectation, which blocks the malformed
# file's load, and one warning.
V1 = ("v1", "2026-06-01 06:00:00")
V2 = ("v2", "2026-06-02 06:00:00")
GATEWAY = ("litellm", "litellm_spend_logs", "raw.litellm_spend_logs")
GATEWAY_LOADS = ("litellm", "litellm_spend_logs", "ingest.file_loads.litellm_spend_logs")
OPENAI = ("openai_costs", "openai_costs_results", "raw.openai_costs_results")
OPENAI_LOADS = ("openai_costs", "openai_costs_results", "ingest.file_loads.openai_costs_results")
ROW_COUNT = (
    "expect_column_pair_values_to_be_equal",
    None,
    "the raw table holds exactly the rows the load record says were loaded",
)
EXPECTATIONS = [
    (*V1, *GATEWAY, "expect_column_values_to_be_between", "spend", "spend is not negative",
     "critical", False, 1, "litellm/old.jsonl line 2: -3.0"),
    (*V1, *OPENAI, "expect_column_values_to_not_be_null", "amount_value", "every cost has an amount",
     "critical", True, 0, None),
    (*V1, *OPENAI_LOADS, *ROW_COUNT, "critical", True, 0, None),
    (*V2, *GATEWAY, "expect_column_values_to_be_unique", "request_id", "every request id is unique",
     "critical", False, 2, f"{MALFORMED} line 1: chatcmpl-fixture-010; line 2: chatcmpl-fixture-011"),
    (*V2, *GATEWAY, "expect_column_values_to_be_in_set", "model", "the model is in the price catalogue",
     "warning", False, 3, "litellm/2026-06-01.jsonl line 7: gpt-9"),
    (*V2, *GATEWAY, "expect_column_values_to_not_be_null", "request_id", "every request has an id",
     "critical", True, 0, None),
    (*V2, *GATEWAY_LOADS, *ROW_COUNT, "critical", True, 0, None),
]  # fmt: skip


def _record_validation(paths: DataPaths) -> None:
    """Write what the validation step would have: the expectations above (one load and 20 rows checked
    each), the malformed file's load blocked, the other gateway loads passed."""
    with duckdb.connect(str(paths.warehouse)) as con:
        con.executemany(
            """
            insert into ingest.expectation_results (
                validation_id, validated_at, source, raw_table, suite, expectation, column_name,
                description, severity, success, rows_failed, failed_examples, loads_checked, rows_checked
            ) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 20)
            """,
            EXPECTATIONS,
        )
        con.execute(
            """
            insert into ingest.load_validations
            select
                load_id,
                ?,
                ?,
                case when file = ? then 'blocked' else 'passed' end,
                case when file = ? then 'every request id is unique: 2 rows failed' end
            from ingest.file_loads
            where source = 'litellm' and status = 'loaded'
            """,
            [*V2, MALFORMED, MALFORMED],
        )


def _build_and_publish(paths: DataPaths) -> None:
    # Models and seeds only: the page needs the marts, and the project's tests run elsewhere.
    models = ["--resource-type", "model", "--resource-type", "seed"]
    assert run_dbt("build", paths, models, echo=lambda _line: None) == 0
    pipeline.publish_serving_copy(paths)


@pytest.fixture(scope="module")
def troubled_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[DataPaths, DataPaths]:
    """A small warehouse whose loader refused an empty gateway log and quarantined two lines of another,
    published twice: before any validation (a copy of that serving file, in a data folder of its own)
    and after the validation recorded by `_record_validation`."""
    paths = data_paths(tmp_path_factory.mktemp("troubled") / "data")
    generate(paths.landing, days=7, requests_per_day=20)
    litellm = paths.landing / "litellm"
    shutil.copyfile(FIXTURES / "spend_logs_malformed.jsonl", paths.landing / MALFORMED)
    (litellm / "empty.jsonl").write_text("")
    pipeline.ingest(paths)
    _build_and_publish(paths)
    unvalidated = data_paths(tmp_path_factory.mktemp("unvalidated") / "data")
    unvalidated.root.mkdir(parents=True)
    shutil.copyfile(paths.serving, unvalidated.serving)
    _record_validation(paths)
    _build_and_publish(paths)
    return paths, unvalidated


@pytest.fixture(scope="module")
def troubled_paths(troubled_builds) -> DataPaths:
    """The troubled warehouse after validation."""
    return troubled_builds[0]


@pytest.fixture(scope="module")
def unvalidated_paths(troubled_builds) -> DataPaths:
    """The troubled warehouse as published before any validation ran."""
    return troubled_builds[1]


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


def test_a_clean_load_says_so(page):
    successes = [element.value for element in page.success]

    assert any(text.startswith("No rejected files") for text in successes)
    assert any(text.startswith("No quarantined rows") for text in successes)
    assert any(text.startswith("Every expectation held") for text in successes)
    assert _metrics(page)["Files rejected"] == "0"


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


def test_validation_counts_and_expectations_equal_sql_over_the_published_copy(troubled_paths, monkeypatch):
    database = troubled_paths.serving
    [(checked, critical, warnings)] = query(
        database,
        """
        select
            count(*),
            count(*) filter (where severity = 'critical' and not is_successful),
            count(*) filter (where severity = 'warning' and not is_successful)
        from marts.fct_expectation_results
        where is_latest
        """,
    )
    [(blocked,)] = query(
        database, "select count(*) from marts.fct_file_loads where validation_status = 'blocked'"
    )
    # Failures first: critical before warning, then passed; most rows failed first.
    expected = query(
        database,
        """
        select raw_table, expectation_description, severity, rows_failed, coalesce(failed_examples, '')
        from marts.fct_expectation_results
        where is_latest
        order by is_successful, severity, rows_failed desc, raw_table, expectation_description
        """,
    )

    app = _open(troubled_paths, monkeypatch)

    assert {
        label: _metrics(app)[label]
        for label in ("Expectations checked", "Critical failures", "Warnings", "Loads blocked")
    } == {
        "Expectations checked": f"{checked:,}",
        "Critical failures": f"{critical:,}",
        "Warnings": f"{warnings:,}",
        "Loads blocked": f"{blocked:,}",
    }
    # Each raw table's latest validation only: v2's four gateway expectations and v1's two OpenAI ones.
    assert (checked, critical, warnings, blocked) == (6, 1, 1, 1)
    results = _table(app, "raw_table", "expectation")
    columns = ["raw_table", "expectation", "severity", "rows_failed", "failed_examples"]
    assert list(results[columns].fillna("").itertuples(index=False, name=None)) == expected
    assert results["outcome"].tolist() == ["failed", "warned", "passed", "passed", "passed", "passed"]
    assert expected[0][1:4] == ("every request id is unique", "critical", 2)
    [blocked_files] = [d.value for d in app.dataframe if "replaced_since" in d.value.columns]
    assert blocked_files[["source", "file", "replaced_since"]].values.tolist() == [
        ["litellm", MALFORMED, False]
    ]
    assert app.download_button(key="download_expectation_results")
    assert not [element for element in app.success if element.value.startswith("Every expectation held")]


def test_the_data_docs_path_is_shown_and_linked_once_it_exists(unvalidated_paths, tmp_path, monkeypatch):
    docs = unvalidated_paths.quality / "data_docs" / "index.html"

    app = _open(unvalidated_paths, monkeypatch)
    assert any(f"`{docs}`" in caption.value for caption in app.caption)

    copy = data_paths(tmp_path / "data")
    index = copy.quality / "data_docs" / "index.html"
    index.parent.mkdir(parents=True)
    shutil.copyfile(unvalidated_paths.serving, copy.serving)
    index.write_text("<html></html>")
    linked = _open(copy, monkeypatch)
    assert any(f"]({index.as_uri()})" in caption.value for caption in linked.caption)


def test_before_any_validation_the_section_says_none_has_run(unvalidated_paths, monkeypatch):
    [(results,)] = query(unvalidated_paths.serving, "select count(*) from marts.fct_expectation_results")

    app = _open(unvalidated_paths, monkeypatch)

    assert results == 0
    assert any(i.value.startswith("No validation has run yet") for i in app.info)
    assert "Expectations checked" not in _metrics(app)
    assert not [d for d in app.dataframe if d.value.columns[0] == "raw_table"]
