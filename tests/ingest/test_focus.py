"""Loading FOCUS exports: FOCUS names kept, NULL text as nulls, exact money, tokens, deliveries."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest import focus
from ingest.loader import ingest_landing
from ingest.sample import company
from ingest.sample.cloud import AzureFocusWriter
from ingest.sample.traffic import catalogue_prices, scale_for, simulate_day
from orchestration.dbt import run_dbt
from tests.conftest import FIXTURES, query

SOURCE = focus.SPEC.name
TABLE = "raw.focus_charges"
SAMPLE = "focus_1_0_sample.csv"
# 0.0000008 + 0.023 + 1.25 - 0.5, by hand.
SAMPLE_TOTAL = Decimal("0.7730008")
AI = "focus_ai_tokens.csv"
# 4M input at $3, 10M cache reads at $0.30, 1M cache writes at $3.75, 0.5M output at $15 per million.
AI_TOTAL = Decimal("26.25")
MID, FINAL = "azure_focus_2026-05_mid.csv", "azure_focus_2026-05_final.csv"
MID_LANDED = "azure/northwind-focus-cost/20260501-20260531/20260516T0600Z/part_0_0001.csv"
FINAL_LANDED = "azure/northwind-focus-cost/20260501-20260531/20260605T0600Z/part_0_0001.csv"
# Final delivery: 0.24 + 0.08 + 0.1 + 0.04; the mid-month one had 0.29.
RESTATED_TOTAL = Decimal("0.46")


def _land(landing: Path, fixture: str, name: str | None = None) -> None:
    target = landing / SOURCE / (name or fixture)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / SOURCE / fixture, target)


def _ingest(landing: Path, database: Path):
    with duckdb.connect(str(database)) as con:
        return ingest_landing(con, landing, [focus.SPEC])


def test_a_focus_1_0_export_loads_with_focus_names_and_exact_money(tmp_path):
    _land(tmp_path / "landing", SAMPLE)

    [load] = _ingest(tmp_path / "landing", tmp_path / "w.duckdb")

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 4, 4, 0)
    assert load.extra_columns == "Id"
    database = tmp_path / "w.duckdb"
    assert query(database, f'select count(*), sum("BilledCost") from {TABLE}') == [(4, SAMPLE_TOTAL)]
    assert query(
        database,
        f'select "BilledCost", "ChargePeriodStart", "BillingPeriodStart", "ProviderName", "ServiceName", '
        f'_extra::varchar from {TABLE} where _row_number = 2',
    ) == [
        (Decimal("8.0E-7"), datetime(2024, 9, 18, 22), datetime(2024, 9, 1), "AWS",
         "Amazon Simple Queue Service", '{"Id":"f10-0001"}'),
    ]  # fmt: skip
    # Azure writes a tag's own key; AWS keeps the `user:` prefix of cost allocation tags.
    assert query(
        database,
        f'select "Tags"::varchar, "Tags_team" from {TABLE} where _row_number in (2, 4) order by _row_number',
    ) == [
        ('{"user:team":"platform"}', "platform"),
        ('{"team":"data","env":"prod"}', "data"),
    ]


def test_the_text_null_is_loaded_as_null_everywhere(tmp_path):
    _land(tmp_path / "landing", SAMPLE)
    _ingest(tmp_path / "landing", tmp_path / "w.duckdb")
    database = tmp_path / "w.duckdb"

    assert query(
        database,
        f'select "ChargeClass", "CommitmentDiscountId", "AvailabilityZone", "ConsumedQuantity", "SkuId", '
        f'"Tags"::varchar from {TABLE} where _row_number = 5',
    ) == [(None, None, None, None, None, "{}")]
    text_columns = query(
        database,
        "select column_name from information_schema.columns where table_schema = 'raw' "
        "and table_name = 'focus_charges' and data_type in ('VARCHAR', 'JSON')",
    )
    for (column,) in text_columns:
        assert query(database, f"select count(*) from {TABLE} where \"{column}\"::varchar = 'NULL'") == [(0,)]


def test_ai_token_charges_of_the_draft_keep_model_and_token_columns(tmp_path):
    _land(tmp_path / "landing", AI)

    [load] = _ingest(tmp_path / "landing", tmp_path / "w.duckdb")

    assert (load.status, load.rows_loaded, load.extra_columns) == ("loaded", 4, "RequesterDetails")
    assert query(
        tmp_path / "w.duckdb",
        f'select "SkuMeter", "ConsumedQuantity", "PricingUnit", "BilledCost", "ProviderName", '
        f'"ServiceProviderName", "SkuPriceDetails_ModelId", "SkuPriceDetails_TokenDirection", '
        f'"SkuPriceDetails_TokenCacheAction", "CredentialId" from {TABLE} order by _row_number',
    ) == [
        ("Input Tokens", 4_000_000, "1000000 Tokens", Decimal(12), None, "Nimbus Labs", "nimbus-orion-2.1",
         "Input", "Uncached", "key_01NIMBUSRESEARCH"),
        ("Cache Read Input Tokens", 10_000_000, "1000000 Tokens", Decimal(3), None, "Nimbus Labs",
         "nimbus-orion-2.1", "Input", "Read", "key_01NIMBUSRESEARCH"),
        ("Cache Write Input Tokens", 1_000_000, "1000000 Tokens", Decimal("3.75"), None, "Nimbus Labs",
         "nimbus-orion-2.1", "Input", "Write", "key_01NIMBUSRESEARCH"),
        ("Output Tokens", 500_000, "1000000 Tokens", Decimal("7.5"), None, "Nimbus Labs", "nimbus-orion-2.1",
         "Output", None, "key_01NIMBUSRESEARCH"),
    ]  # fmt: skip
    assert query(tmp_path / "w.duckdb", f'select sum("BilledCost") from {TABLE}') == [(AI_TOTAL,)]


def test_a_final_export_replaces_the_mid_month_one_at_raw_level(tmp_path):
    landing, database = tmp_path / "landing", tmp_path / "w.duckdb"
    _land(landing, MID, MID_LANDED)
    _ingest(landing, database)
    _land(landing, FINAL, FINAL_LANDED)
    _ingest(landing, database)

    assert query(database, f'select count(*), sum("BilledCost") from {TABLE}') == [(7, Decimal("0.75"))]
    newest = query(
        database,
        f"""select count(*), sum("BilledCost") from (
            select *, max(_loaded_at) over (
                partition by "BillingPeriodStart", "BillingAccountId", "ProviderName") as newest
            from {TABLE}
        ) where _loaded_at = newest""",
    )
    assert newest == [(4, RESTATED_TOTAL)]


def test_the_restated_model_counts_each_dollar_and_token_once(paths, tmp_path):
    for fixture, name in ((MID, MID_LANDED), (FINAL, FINAL_LANDED)):
        _land(paths.landing, fixture, name)
        _ingest(paths.landing, paths.warehouse)
    output: list[str] = []

    code = run_dbt(
        "build",
        paths,
        ["--select", "+int_focus_charges_deduplicated", "--target-path", str(tmp_path / "t")],
        echo=output.append,
    )

    assert code == 0, "\n".join(output[-30:])
    assert query(
        paths.warehouse,
        "select token_type, model_name, pricing_unit, sum(token_count), sum(billed_cost), "
        "min(list_price_per_mtok), min(team_tag), min(invoice_id) "
        "from build_scratch.intermediate.int_focus_charges_deduplicated group by all order by 1",
    ) == [
        ("output", "gpt 4.1", "1000 Tokens", 15_000, Decimal("0.12"), Decimal(8), "data", "G000123456"),
        ("uncached_input", "gpt 4.1", "1000000 Tokens", 170_000, Decimal("0.34"), Decimal(2), "data",
         "G000123456"),
    ]  # fmt: skip


def test_malformed_rows_are_quarantined_with_their_line_and_reason(tmp_path):
    _land(tmp_path / "landing", "focus_malformed.csv")

    [load] = _ingest(tmp_path / "landing", tmp_path / "w.duckdb")

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 7, 2, 5)
    database = tmp_path / "w.duckdb"
    # A correction may be negative; a plain usage charge may not.
    assert query(database, f'select _row_number, "BilledCost", "ChargeClass" from {TABLE} order by 1') == [
        (2, Decimal("0.5"), None),
        (8, Decimal("-0.5"), "Correction"),
    ]
    assert query(database, "select row_number, reason from ingest.quarantine order by row_number") == [
        (3, "ChargePeriodStart is not a valid timestamp: 2026-05-32 00:00:00"),
        (4, "missing required field BillingCurrency"),
        (5, "BilledCost is negative on a Usage charge that is not a correction"),
        (6, "Tags is not a valid JSON: {team: data"),
        (7, "ListUnitPrice is negative: -1.000000000000000000"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("broken.csv.gz", "truncated", "cannot read the file"),
        ("broken.parquet", b"PAR1 not really parquet", "not a readable Parquet file"),
        ("bill.csv", b"invoice,amount\nA-1,10\n", "missing required column(s) BilledCost, BillingAccountId"),
        ("empty.csv", b"", "the file is empty"),
    ],
)
def test_a_broken_file_is_rejected_whole_with_a_clear_message(tmp_path, name, content, error):
    target = tmp_path / "landing" / SOURCE / name
    target.parent.mkdir(parents=True)
    if content == "truncated":
        content = gzip.compress((FIXTURES / SOURCE / SAMPLE).read_bytes())[:-40]
    target.write_bytes(content)

    [load] = _ingest(tmp_path / "landing", tmp_path / "w.duckdb")

    assert load.status == "rejected"
    assert load.error.startswith(error), load.error
    assert query(tmp_path / "w.duckdb", f"select count(*) from {TABLE}") == [(0,)]


# Mid-February to mid-April: the churn model's resource is tagged from 1 March.
WINDOW = [
    date(2026, 2, 10) + timedelta(days=i) for i in range((date(2026, 4, 20) - date(2026, 2, 10)).days + 1)
]


def _write_sample(out: Path) -> list[dict]:
    scale = scale_for(3000)
    writer = AzureFocusWriter(seed=7)
    calls = []
    with duckdb.connect() as con:
        for day in WINDOW:
            traffic = simulate_day(day, scale, 7)
            calls += [{**c, "day": day} for c in traffic.calls.to_pylist() if c["provider"] == "azure"]
            writer.add_day(con, day, traffic, out)
        writer.finish(con, out, WINDOW[0], WINDOW[-1])
    return calls


def _exact_cost(call: dict) -> Decimal:
    prices = catalogue_prices(call["model"], call["day"])
    uncached = call["prompt_tokens"] - call["cache_read_tokens"] - call["cache_write_tokens"]
    return (
        uncached * prices.input
        + call["cache_read_tokens"] * prices.cache_read
        + call["completion_tokens"] * prices.output
    ) / Decimal(1_000_000)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("focus_sample")
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

    prefix = "focus/azure/northwind-focus-cost"
    assert list(digest(out)) == [
        f"{prefix}/20260201-20260228/20260216T0600Z/part_0_0001.csv",
        f"{prefix}/20260201-20260228/20260305T0600Z/part_0_0001.csv",
        f"{prefix}/20260301-20260331/20260316T0600Z/part_0_0001.csv",
        f"{prefix}/20260301-20260331/20260405T0600Z/part_0_0001.csv",
        f"{prefix}/20260401-20260430/20260416T0600Z/part_0_0001.csv",
        f"{prefix}/20260401-20260430/20260421T0600Z/part_0_0001.csv",
    ]
    assert digest(tmp_path) == digest(out)


def test_the_writers_exports_load_cleanly_and_restate_to_the_calls_list_cost(sample, tmp_path):
    out, calls = sample
    database = tmp_path / "w.duckdb"

    loads = _ingest(out, database)

    assert {(load.status, load.rows_quarantined) for load in loads} == {("loaded", 0)}
    newest = f"""select * from (
            select *, max(_loaded_at) over (
                partition by "BillingPeriodStart", "BillingAccountId", "ProviderName") as newest
            from {TABLE}
        ) where _loaded_at = newest"""
    [(billed, effective, listed)] = query(
        database, f'select sum("BilledCost"), sum("EffectiveCost"), sum("ListCost") from ({newest})'
    )
    exact = sum((_exact_cost(c) for c in calls), Decimal(0))
    assert billed == effective == listed == exact
    assert abs(float(billed) - sum(c["list_cost"] for c in calls)) < 1e-9
    tagging = query(
        database,
        f'select "Tags_team", min("ChargePeriodStart")::date, max("ChargePeriodStart")::date from ({newest}) '
        "group by all order by 2",
    )
    assert tagging == [
        (None, date(2026, 2, 10), company.AZURE_TAGGED_FROM - timedelta(days=1)),
        ("data", company.AZURE_TAGGED_FROM, date(2026, 4, 20)),
    ]
    assert query(database, f'select distinct "PricingUnit", "SkuMeter" from {TABLE} order by 2') == [
        ("1000000 Tokens", "gpt 4.1 Inp glbl Tokens"),
        ("1000 Tokens", "gpt 4.1 Outp glbl Tokens"),
        ("1000000 Tokens", "gpt 4.1 cached Inp glbl"),
    ]
