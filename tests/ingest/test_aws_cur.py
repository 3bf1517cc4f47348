"""Loading AWS Cost and Usage Reports: legacy CSV and CUR 2.0 in one table, exact money, deliveries."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest import aws_cur
from ingest.loader import ingest_landing
from ingest.sample import company
from ingest.sample.cloud import AwsCurWriter, java_number
from ingest.sample.traffic import catalogue_prices, scale_for, simulate_day
from orchestration.dbt import run_dbt
from tests.conftest import FIXTURES, query

SOURCE = aws_cur.SPEC.name
TABLE = "raw.aws_cur_line_items"
LEGACY = "legacy_cur_2026-01.csv"
# 1.46E-8 + 3.3 + 1.65 + 0.066 + 0.165 + 2.0E-4 - 0.5, by hand.
LEGACY_TOTAL = Decimal("4.6812000146")
# The four Marketplace token lines: 1,000,000 + 100,000 + 200,000 + 40,000 tokens, $5.181.
LEGACY_AI_TOKENS, LEGACY_AI_COST = 1_340_000, Decimal("5.181")
MID, FINAL = "cur2_2026-05_mid.csv", "cur2_2026-05_final.csv"
MID_LANDED = "cur2/BILLING_PERIOD=2026-05/2026-05-16T0400Z-00001.csv"
FINAL_LANDED = "cur2/BILLING_PERIOD=2026-05/2026-06-03T0400Z-00001.csv"
# Final delivery: 0.396 + 0.165 + 0.046 + 0.165 + 0.066; the mid-month one had 0.5412.
RESTATED_TOTAL = Decimal("0.838")


def _land(landing: Path, fixture: str, name: str | None = None) -> None:
    target = landing / SOURCE / (name or fixture)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / SOURCE / fixture, target)


def _ingest(landing: Path, database: Path):
    with duckdb.connect(str(database)) as con:
        return ingest_landing(con, landing, [aws_cur.SPEC])


@pytest.mark.parametrize(
    ("legacy", "cur2"),
    [
        ("identity/LineItemId", "identity_line_item_id"),
        ("bill/BillingPeriodStartDate", "bill_billing_period_start_date"),
        ("lineItem/UnblendedCost", "line_item_unblended_cost"),
        ("lineItem/LineItemDescription", "line_item_line_item_description"),
        ("product/ProductName", "product_product_name"),
        ("product/servicecode", "product_servicecode"),
        ("pricing/publicOnDemandCost", "pricing_public_on_demand_cost"),
        ("savingsPlan/SavingsPlanARN", "savings_plan_savings_plan_a_r_n"),
        ("line_item_unblended_cost", "line_item_unblended_cost"),
    ],
)
def test_legacy_headers_get_their_cur2_names_mechanically(legacy, cur2):
    assert aws_cur.cur2_column_name(legacy) == cur2


def test_the_reader_renames_legacy_headers_and_folds_tags_into_one_object():
    records = aws_cur.read_cur(FIXTURES / SOURCE / LEGACY)
    rows = pa.Table.from_batches(list(records.batches), schema=records.schema).to_pylist()

    assert records.columns[:3] == ("identity_line_item_id", "identity_time_interval", "bill_invoice_id")
    assert "line_item_unblended_cost" in records.columns
    assert not [c for c in records.columns if "/" in c or c.startswith("resource_tags_")]
    assert records.columns[-1] == "resource_tags"
    assert rows[0]["resource_tags"] == "{}"
    assert rows[1]["resource_tags"] == (
        '{"user_cost_center":"CC-210","user_team":"platform","user_workflow":"incident_summary"}'
    )
    assert (records.rows_read, rows[1]["rn"], rows[1]["line_item_unblended_cost"]) == (7, 3, "3.3")


def test_athena_style_legacy_parquet_folds_its_tag_columns_too(tmp_path):
    path = tmp_path / "legacy-athena.parquet"
    pq.write_table(
        pa.table(
            {
                "line_item_unblended_cost": [0.5, 0.25],
                "resource_tags_user_team": ["platform", None],
                "cost_category_business_unit": ["ops", "ops"],
            }
        ),
        path,
    )

    records = aws_cur.read_cur(path)
    rows = pa.Table.from_batches(list(records.batches), schema=records.schema).to_pylist()

    assert records.columns == ("line_item_unblended_cost", "cost_category", "resource_tags")
    assert [(r["resource_tags"], r["cost_category"]) for r in rows] == [
        ('{"user_team":"platform"}', '{"business_unit":"ops"}'),
        ("{}", '{"business_unit":"ops"}'),
    ]


def test_legacy_cur_loads_with_cur2_names_exact_money_and_tags(tmp_path):
    _land(tmp_path / "landing", LEGACY)

    [load] = _ingest(tmp_path / "landing", tmp_path / "w.duckdb")

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 7, 7, 0)
    # Columns the spec does not type are kept, not lost.
    assert load.extra_columns == "savings_plan_savings_plan_a_r_n"
    database = tmp_path / "w.duckdb"
    assert query(database, f"select count(*), sum(line_item_unblended_cost) from {TABLE}") == [
        (7, LEGACY_TOTAL)
    ]
    assert query(
        database,
        f"select line_item_usage_amount, line_item_unblended_cost, bill_billing_period_start_date, "
        f"line_item_usage_start_date from {TABLE} where _row_number = 2",
    ) == [(Decimal("7.32E-7"), Decimal("1.46E-8"), datetime(2026, 1, 1), datetime(2026, 1, 5))]
    assert query(
        database,
        f"select sum(line_item_usage_amount), sum(line_item_unblended_cost), min(product_product_name), "
        f"min(resource_tags_user_team), min(resource_tags_user_workflow) from {TABLE} "
        "where line_item_usage_type like '%TokenCount%'",
    ) == [(LEGACY_AI_TOKENS, LEGACY_AI_COST, "Claude Sonnet 4.5 (Amazon Bedrock Edition)", "platform",
           "incident_summary")]  # fmt: skip


def test_cur2_parquet_loads_maps_timestamps_and_the_iam_principal(tmp_path):
    path = (
        tmp_path
        / "landing"
        / SOURCE
        / "cur2"
        / "BILLING_PERIOD=2026-05"
        / "2026-05-16T0400Z-00001.snappy.parquet"
    )
    path.parent.mkdir(parents=True)
    string_map = pa.map_(pa.string(), pa.string())
    table = pa.table(
        {
            "identity_line_item_id": ["li-1", "li-2"],
            "identity_time_interval": ["2026-05-01T00:00:00Z/2026-05-02T00:00:00Z"] * 2,
            "bill_payer_account_id": ["999988887777"] * 2,
            "bill_billing_period_start_date": pa.array([datetime(2026, 5, 1)] * 2, pa.timestamp("ms")),
            "line_item_line_item_type": ["Usage"] * 2,
            "line_item_usage_start_date": pa.array([datetime(2026, 5, 1)] * 2, pa.timestamp("ms")),
            "line_item_product_code": ["AmazonBedrock", "AmazonS3"],
            "line_item_usage_type": ["USE1-Claude4.5Sonnet-input-tokens", "USE1-APN3-AWS-Out-Bytes"],
            "line_item_usage_amount": [100000.0, 7.32e-07],
            "line_item_unblended_cost": [0.33, 1.46e-08],
            "line_item_iam_principal": [company.BEDROCK_PRINCIPAL, None],
            "product": pa.array(
                [[("product_name", "Amazon Bedrock")], [("product_name", "Amazon Simple Storage Service")]],
                string_map,
            ),
            "resource_tags": pa.array([[("user_team", "platform")], []], string_map),
            "discount": pa.array([[], []], pa.map_(pa.string(), pa.float64())),
        }
    )
    pq.write_table(table, path)

    [load] = _ingest(tmp_path / "landing", tmp_path / "w.duckdb")

    assert (load.status, load.rows_loaded, load.extra_columns) == ("loaded", 2, "discount")
    assert query(
        tmp_path / "w.duckdb",
        f"select line_item_unblended_cost, line_item_usage_amount, product_product_name, "
        f"resource_tags::varchar, resource_tags_user_team, line_item_iam_principal, "
        f"bill_billing_period_start_date from {TABLE} order by _row_number",
    ) == [
        (Decimal("0.33"), Decimal(100000), "Amazon Bedrock", '{"user_team":"platform"}', "platform",
         company.BEDROCK_PRINCIPAL, datetime(2026, 5, 1)),
        (Decimal("1.46E-8"), Decimal("7.32E-7"), "Amazon Simple Storage Service", "{}", None, None,
         datetime(2026, 5, 1)),
    ]  # fmt: skip


def test_a_final_delivery_replaces_the_mid_month_one_at_raw_level(tmp_path):
    landing, database = tmp_path / "landing", tmp_path / "w.duckdb"
    _land(landing, MID, MID_LANDED)
    _ingest(landing, database)
    _land(landing, FINAL, FINAL_LANDED)
    _ingest(landing, database)

    assert query(database, f"select count(*), sum(line_item_unblended_cost) from {TABLE}") == [
        (9, Decimal("1.3792"))
    ]
    newest = query(
        database,
        f"""select count(*), sum(line_item_unblended_cost) from (
            select *, max(_loaded_at) over (
                partition by bill_billing_period_start_date, bill_payer_account_id) as newest
            from {TABLE}
        ) where _loaded_at = newest""",
    )
    assert newest == [(5, RESTATED_TOTAL)]


def test_the_restated_model_counts_each_dollar_and_token_once(paths, tmp_path):
    for fixture, name in ((MID, MID_LANDED), (FINAL, FINAL_LANDED)):
        _land(paths.landing, fixture, name)
        _ingest(paths.landing, paths.warehouse)
    output: list[str] = []

    code = run_dbt(
        "build",
        paths,
        ["--select", "+int_aws_cur_line_items_deduplicated", "--target-path", str(tmp_path / "t")],
        echo=output.append,
    )

    assert code == 0, "\n".join(output[-30:])
    assert query(
        paths.warehouse,
        "select token_type, model_name, sum(token_count), sum(unblended_cost_usd), min(team_tag), "
        "min(iam_principal_arn), count(distinct delivery_id) "
        "from build_scratch.intermediate.int_aws_cur_line_items_deduplicated "
        "group by all order by 1 nulls first",
    ) == [
        (None, None, None, Decimal("0.046"), None, None, 1),
        ("output", "Claude4.5Sonnet", 14_000, Decimal("0.231"), "platform", company.BEDROCK_PRINCIPAL, 1),
        ("uncached_input", "Claude4.5Sonnet", 170_000, Decimal("0.561"), "platform",
         company.BEDROCK_PRINCIPAL, 1),
    ]  # fmt: skip


def test_malformed_rows_are_quarantined_with_their_line_and_reason(tmp_path):
    _land(tmp_path / "landing", "legacy_cur_malformed.csv")

    [load] = _ingest(tmp_path / "landing", tmp_path / "w.duckdb")

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 7, 2, 5)
    database = tmp_path / "w.duckdb"
    assert query(
        database, f"select identity_line_item_id, line_item_unblended_cost from {TABLE} order by 1"
    ) == [
        ("good-1", Decimal("0.01")),
        ("good-2", Decimal("-0.25")),
    ]
    assert query(database, "select row_number, reason from ingest.quarantine order by row_number") == [
        (3, "line_item_unblended_cost is not a valid decimal(38, 18): abc"),
        (4, "missing required field bill_payer_account_id"),
        (5, "line_item_unblended_cost is negative on a Usage line"),
        (6, "expected 11 cells, found 5"),
        (8, "line_item_usage_start_date is not a valid timestamp: 2026-13-45T00:00:00.000Z"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("broken.csv.gz", "truncated", "cannot read the file"),
        ("broken.snappy.parquet", b"PAR1 not really parquet", "not a readable Parquet file"),
        ("invoice.csv", b"invoice,amount\nA-1,10\n", "missing required column(s) identity_line_item_id"),
        ("cur.json", b"{}", "unsupported file type '.json': a CUR file is .csv, .csv.gz or .parquet"),
        (
            "clash.csv",
            b"lineItem/UsageType,line_item_usage_type\nA,B\n",
            "the header gives several columns the CUR 2.0 name line_item_usage_type",
        ),
    ],
)
def test_a_broken_file_is_rejected_whole_with_a_clear_message(tmp_path, name, content, error):
    target = tmp_path / "landing" / SOURCE / name
    target.parent.mkdir(parents=True)
    if content == "truncated":
        content = gzip.compress((FIXTURES / SOURCE / LEGACY).read_bytes())[:-40]
    target.write_bytes(content)

    [load] = _ingest(tmp_path / "landing", tmp_path / "w.duckdb")

    assert load.status == "rejected"
    assert load.error.startswith(error), load.error
    assert query(tmp_path / "w.duckdb", f"select count(*) from {TABLE}") == [(0,)]


def test_legacy_cur_numbers_are_written_the_way_java_prints_doubles():
    assert [java_number(Decimal(v)) for v in ("1.46E-8", "0.0002", "3.3", "1000000", "0", "-0.5")] == [
        "1.46E-8",
        "2.0E-4",
        "3.3",
        "1000000.0",
        "0.0",
        "-0.5",
    ]


# Mid-February (legacy CUR) to mid-April: March bills Claude through AWS Marketplace in CUR 2.0,
# April under AmazonBedrock with the IAM principal.
WINDOW = [
    date(2026, 2, 10) + timedelta(days=i) for i in range((date(2026, 4, 20) - date(2026, 2, 10)).days + 1)
]


def _write_sample(out: Path) -> list[dict]:
    scale = scale_for(3000)
    writer = AwsCurWriter(seed=7)
    calls = []
    with duckdb.connect() as con:
        for day in WINDOW:
            traffic = simulate_day(day, scale, 7)
            calls += [{**c, "day": day} for c in traffic.calls.to_pylist() if c["provider"] == "bedrock"]
            writer.add_day(con, day, traffic, out)
        writer.finish(con, out, WINDOW[0], WINDOW[-1])
    return calls


def _exact_cost(call: dict) -> Decimal:
    prices = catalogue_prices(call["model"], call["day"])
    uncached = call["prompt_tokens"] - call["cache_read_tokens"] - call["cache_write_tokens"]
    return (
        uncached * prices.input
        + call["cache_read_tokens"] * prices.cache_read
        + call["cache_write_tokens"] * prices.cache_write
        + call["completion_tokens"] * prices.output
    ) / Decimal(1_000_000)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("aws_cur_sample")
    return out, _write_sample(out)


def test_the_writer_is_deterministic_and_delivers_each_month_mid_month_and_final(sample, tmp_path):
    out, _calls = sample
    _write_sample(tmp_path)

    def digest(folder: Path) -> dict[str, str]:
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    assert list(digest(out)) == [
        "aws_cur/cur2/northwind-cur2/data/BILLING_PERIOD=2026-03/2026-03-16T0400Z-00001.snappy.parquet",
        "aws_cur/cur2/northwind-cur2/data/BILLING_PERIOD=2026-03/2026-04-03T0400Z-00001.snappy.parquet",
        "aws_cur/cur2/northwind-cur2/data/BILLING_PERIOD=2026-04/2026-04-16T0400Z-00001.snappy.parquet",
        "aws_cur/cur2/northwind-cur2/data/BILLING_PERIOD=2026-04/2026-04-21T0400Z-00001.snappy.parquet",
        "aws_cur/legacy/northwind-cur/20260201-20260301/20260216T0400Z/northwind-cur-00001.csv.gz",
        "aws_cur/legacy/northwind-cur/20260201-20260301/20260303T0400Z/northwind-cur-00001.csv.gz",
    ]
    assert digest(tmp_path) == digest(out)


def test_the_writers_bills_load_cleanly_and_restate_to_the_calls_list_cost(sample, tmp_path):
    out, calls = sample
    database = tmp_path / "w.duckdb"

    loads = _ingest(out, database)

    assert {(load.status, load.rows_quarantined) for load in loads} == {("loaded", 0)}
    newest = f"""select * from (
            select *, max(_loaded_at) over (
                partition by bill_billing_period_start_date, bill_payer_account_id) as newest
            from {TABLE}
        ) where _loaded_at = newest"""
    [(bedrock_cost,)] = query(
        database,
        f"select sum(line_item_unblended_cost) from ({newest}) "
        "where line_item_product_code = 'AmazonBedrock' or product_product_name like '%Bedrock Edition%'",
    )
    assert bedrock_cost == sum((_exact_cost(c) for c in calls), Decimal(0))
    assert abs(float(bedrock_cost) - sum(c["list_cost"] for c in calls)) < 1e-9
    billing = query(
        database,
        "select distinct date_trunc('month', line_item_usage_start_date)::date, product_product_name, "
        f"line_item_product_code = 'AmazonBedrock', line_item_iam_principal from ({newest}) "
        "where line_item_usage_type like '%oken%' order by 1, 2",
    )
    sonnet, haiku = "Claude Sonnet 4.5 (Amazon Bedrock Edition)", "Claude Haiku 4.5 (Amazon Bedrock Edition)"
    assert billing == [
        (date(2026, 2, 1), sonnet, False, None),
        (date(2026, 3, 1), haiku, False, None),
        (date(2026, 3, 1), sonnet, False, None),
        (date(2026, 4, 1), "Amazon Bedrock", True, company.BEDROCK_PRINCIPAL),
        (date(2026, 4, 1), haiku, False, company.BEDROCK_PRINCIPAL),
    ]
