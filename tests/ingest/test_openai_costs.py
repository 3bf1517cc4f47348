"""Loading OpenAI cost pages and dashboard exports: exact dollars, restatements, quarantine."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest import openai_costs, openai_usage
from ingest.loader import ingest_landing
from ingest.sample import openai as sample_openai
from ingest.sample.traffic import catalogue_prices, scale_for, simulate_day
from orchestration.dbt import run_dbt
from tests.conftest import FIXTURES, query

SOURCE = openai_costs.SPEC.name
TABLE = "raw.openai_costs_results"
PULL_A = "costs_2026-10-31T0600Z.json"
PULL_B = "costs_2026-11-01T0600Z.json"
# 30 Oct complete (pull A) + 31 Oct complete (pull B) + 1 Nov partial (pull B), by hand:
# 0.021376 + 0.000576 + 0.0192 + 0.02 + 0.0025 + 0.02 = 0.083652
# 0.02196 + 0.00061 + 0.0208 + 0.02 + 0.00125 + 0.016 = 0.08062
# 146 cached tokens at $0.10 per million = 0.0000146
RESTATED_TOTAL = Decimal("0.1642866")
# The organisation of a real dashboard cost export (captured in xavierjflanagan/Guardian).
ORG = "org-Hp9mSGev2sVmtMeF2wrnSeOV"


def _ingest(tmp_path: Path, *fixtures: str, source: str = SOURCE):
    folder = tmp_path / "landing" / source
    folder.mkdir(parents=True, exist_ok=True)
    for name in fixtures:
        shutil.copyfile(FIXTURES / source / name, folder / name)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        return ingest_landing(con, tmp_path / "landing", [openai_usage.SPEC, openai_costs.SPEC])


def _restated_total(database: Path) -> list[tuple]:
    return query(
        database,
        f"""select count(*), sum(amount_value) from (
            select *,
                max(_loaded_at) over (partition by start_time, project_id, line_item, api_key_id) as newest
            from {TABLE}
        ) where _loaded_at = newest""",
    )


def test_a_pull_loads_dollars_exactly_with_line_items_and_quantities(tmp_path):
    [load] = _ingest(tmp_path, PULL_A)

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 9, 9, 0)
    # organization_id is undocumented but sent: a known column, not schema drift.
    assert load.extra_columns is None
    database = tmp_path / "warehouse.duckdb"
    assert query(
        database,
        f"select start_time, end_time, count(*), sum(amount_value), sum(quantity) from {TABLE} "
        f"group by all order by 1",
    ) == [
        (1793318400, 1793404800, 6, Decimal("0.083652"), Decimal(106200)),
        (1793404800, 1793426400, 3, Decimal("0.0045"), Decimal(7500)),
    ]
    assert query(
        database,
        f"select line_item, project_id, api_key_id, amount_value, amount_currency, quantity_unit, "
        f"organization_id from {TABLE} where _row_number = 2",
    ) == [
        (
            "gpt-4.1-mini, cached input",
            "proj_nwGatewayProd01",
            None,
            Decimal("0.000576"),
            "usd",
            "tokens",
            "org-nw7Q2xK9mT4",
        )
    ]


def test_scientific_notation_is_exact_in_pages_and_exports(tmp_path):
    _ingest(tmp_path, PULL_B, "cost_export_2025-10.csv")

    amounts = query(
        tmp_path / "warehouse.duckdb",
        f"select _file, amount_value from {TABLE} where amount_value < 0.0001 order by amount_value",
    )
    assert amounts == [
        ("openai_costs/cost_export_2025-10.csv", Decimal("0.0000000146")),  # "1.46E-8"
        ("openai_costs/costs_2026-11-01T0600Z.json", Decimal("0.0000146")),  # 1.46e-05
    ]


def test_dashboard_export_loads_and_drops_empty_buckets(tmp_path):
    [load] = _ingest(tmp_path, "cost_export_2025-10.csv")

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 2, 2, 0)
    assert query(
        tmp_path / "warehouse.duckdb",
        f"select _row_number, start_time, amount_value, amount_currency, line_item, project_id, "
        f"organization_id, organization_name from {TABLE} order by 1",
    ) == [
        (3, 1759622400, Decimal("0.895874"), "usd", None, None, ORG, "Personal"),
        (4, 1759708800, Decimal("0.0000000146"), "usd", None, None, ORG, "Personal"),
    ]


def test_a_restated_bucket_replaces_its_partial_delivery(tmp_path):
    _ingest(tmp_path, PULL_A)
    _ingest(tmp_path, PULL_B)

    database = tmp_path / "warehouse.duckdb"
    assert query(database, f"select count(*), sum(amount_value) from {TABLE}") == [(16, Decimal("0.1687866"))]
    assert _restated_total(database) == [(13, RESTATED_TOTAL)]


def test_the_intermediate_and_staging_models_count_each_dollar_once(paths, tmp_path):
    for fixture in (PULL_A, PULL_B):
        folder = paths.landing / SOURCE
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / SOURCE / fixture, folder / fixture)
        with duckdb.connect(str(paths.warehouse)) as con:
            ingest_landing(con, paths.landing, [openai_costs.SPEC])
    output: list[str] = []

    code = run_dbt(
        "build",
        paths,
        ["--select", "+int_openai_costs_line_items_deduplicated", "--target-path", str(tmp_path / "t")],
        echo=output.append,
    )

    assert code == 0, "\n".join(output[-30:])
    assert query(
        paths.warehouse,
        "select count(*), sum(billed_cost), min(billing_currency), max(billing_currency), "
        "sum(billed_tokens), min(bucket_date), max(bucket_date) "
        "from build_scratch.intermediate.int_openai_costs_line_items_deduplicated",
    ) == [(13, RESTATED_TOTAL, "USD", "USD", 209_346, date(2026, 10, 30), date(2026, 11, 1))]


def test_malformed_results_are_quarantined_and_unknown_keys_kept(tmp_path):
    [load] = _ingest(tmp_path, "costs_malformed.json")

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 5, 1, 4)
    assert load.extra_columns == "x_billing_note"
    database = tmp_path / "warehouse.duckdb"
    assert query(database, f"select amount_value, quantity, _extra::varchar from {TABLE}") == [
        (Decimal("0.5"), Decimal(1250000), '{"x_billing_note":"kept in _extra"}')
    ]
    assert query(database, "select row_number, reason from ingest.quarantine order by row_number") == [
        (2, "amount_value is negative: -0.010000000000000000"),
        (3, "amount_value is not a valid decimal(38, 18): abc"),
        (4, "missing required field amount_currency"),
        (5, "object is not an OpenAI costs result (organization.costs.result)"),
    ]


@pytest.mark.parametrize(
    ("fixture", "source", "error"),
    [
        ("error_response.json", openai_usage.SPEC.name, "an API error response, not a page of results"),
        (
            "usage_export_2026-10-29_2026-10-31.csv",
            openai_usage.SPEC.name,
            "missing required column(s) amount_value, amount_currency",
        ),
    ],
)
def test_a_broken_file_is_rejected_whole_with_a_clear_message(tmp_path, fixture, source, error):
    folder = tmp_path / "landing" / SOURCE
    folder.mkdir(parents=True)
    shutil.copyfile(FIXTURES / source / fixture, folder / fixture)

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        [load] = ingest_landing(con, tmp_path / "landing", [openai_costs.SPEC])

    assert load.status == "rejected"
    assert error in load.error
    assert query(tmp_path / "warehouse.duckdb", f"select count(*) from {TABLE}") == [(0,)]


# The sample writer

WINDOW = [date(2026, 5, 30) + timedelta(days=i) for i in range(4)]


def _write_sample(out: Path) -> list[dict]:
    """Four days from 30 May 2026 (Batch API in use); the calls OpenAI billed."""
    writer = sample_openai.OpenAICostsWriter()
    calls = []
    scale = scale_for(300)
    with duckdb.connect() as con:
        for day in WINDOW:
            traffic = simulate_day(day, scale, 7)
            calls += [{**c, "day": day} for c in traffic.calls.to_pylist() if c["provider"] == "openai"]
            writer.add_day(con, day, traffic, out)
        writer.finish(con, out, WINDOW[0], WINDOW[-1])
    return calls


def _exact_cost(call: dict) -> Decimal:
    prices = catalogue_prices(call["model"], call["day"], call["batch"])
    uncached = call["prompt_tokens"] - call["cache_read_tokens"] - call["cache_write_tokens"]
    return (
        uncached * prices.input
        + call["cache_read_tokens"] * prices.cache_read
        + call["cache_write_tokens"] * prices.cache_write
        + call["completion_tokens"] * prices.output
    ) / Decimal(1_000_000)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("openai_costs_sample")
    return out, _write_sample(out)


def test_the_writer_is_deterministic_and_lands_one_pull_a_day(sample, tmp_path):
    out, _calls = sample
    _write_sample(tmp_path)

    def digest(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.json"))}

    assert list(digest(out)) == [f"costs_{d:%Y-%m-%d}T0600Z.json" for d in [*WINDOW, date(2026, 6, 3)]]
    assert digest(tmp_path) == digest(out)


def test_the_writers_amounts_restate_to_the_calls_list_cost_exactly(sample, tmp_path):
    out, calls = sample
    shutil.copytree(out / SOURCE, tmp_path / "landing" / SOURCE)

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        loads = ingest_landing(con, tmp_path / "landing", [openai_costs.SPEC])

    assert {(load.status, load.rows_quarantined) for load in loads} == {("loaded", 0)}
    exact = sum((_exact_cost(c) for c in calls), Decimal(0))
    [(_count, restated)] = _restated_total(tmp_path / "warehouse.duckdb")
    assert restated == exact
    assert abs(float(restated) - sum(c["list_cost"] for c in calls)) < 1e-9
    items = query(tmp_path / "warehouse.duckdb", f"select distinct line_item from {TABLE}")
    assert {"gpt-4.1-mini, input", "gpt-4.1-mini, batch output"} <= {item for (item,) in items}


def test_the_writer_spreads_rounding_so_a_bucket_adds_up():
    thirds = [Decimal(1) / 3] * 3

    assert sample_openai.to_places(thirds, Decimal("0.01")) == [
        Decimal("0.34"),
        Decimal("0.33"),
        Decimal("0.33"),
    ]
    assert sum(sample_openai.to_places(thirds)) == Decimal("1.0000000000")


def test_amounts_are_json_numbers_tiny_ones_in_scientific_notation(sample):
    out, _calls = sample
    values = [
        result["amount"]["value"]
        for path in sorted((out / SOURCE).glob("*.json"))
        for bucket in json.loads(path.read_text())["data"]
        for result in bucket["results"]
    ]

    assert values
    assert all(isinstance(v, float) and v >= 0 for v in values)
    assert sample_openai.json_number(Decimal("0.0000146")) == "1.46e-5"
    assert sample_openai.json_number(Decimal("0.4158210000")) == "0.415821"
    assert sample_openai.json_number(Decimal(2)) == "2.0"
