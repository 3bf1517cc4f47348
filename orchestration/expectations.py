"""The Great Expectations suite of every raw source, and of the loader's own load records.

Each raw table's suite is built from its source spec (columns, types, required and non-negative
fields, natural key) plus the rules below that a spec does not say: which columns are event times,
which hold currencies, and which hold enumerations. Every expectation carries a severity:

- critical: the data would make finance's numbers wrong (a negative cost, a duplicated key, a
  timestamp in another decade, an unknown currency, rows missing from the raw table). A critical
  failure blocks the file's rows from dbt and stops the build and the publish.
- warning: the data is plausible but new (a vendor added a call type or a line item type). It is
  recorded and shown on the dashboard's data quality page; the build goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ingest.spec import Field, SourceSpec
from orchestration.gx_import import import_great_expectations

if TYPE_CHECKING:
    import great_expectations as gx

CRITICAL = "critical"
WARNING = "warning"

# Nothing aispend reads predates 2015; a time more than two days ahead of the check is a clock or
# unit error (seconds read as milliseconds, say).
EARLIEST_EVENT = datetime(2015, 1, 1)
FUTURE_SLACK = timedelta(days=2)

# ISO 4217 active codes, compared in upper case (OpenAI sends "usd").
ISO_4217 = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
    GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD
    KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK
    NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD
    SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD
    XCG XOF XPF YER ZAR ZMW ZWG""".split()
)

# Pandas dtypes each raw column type arrives as (text is cast to object so GX checks each value).
PANDAS_TYPES = {
    "VARCHAR": ["str"],
    "JSON": ["str"],
    "BIGINT": ["int64", "Int64Dtype"],
    "DOUBLE": ["float64"],
    "DECIMAL": ["float64"],
    "TIMESTAMP": ["datetime64[us]"],
    "DATE": ["datetime64[us]"],
    "BOOLEAN": ["bool", "BooleanDtype"],
}


@dataclass(frozen=True)
class TableRules:
    """What a raw table's spec does not say about its columns."""

    # Event times: column -> SQL turning `{c}` (the raw column) into a UTC timestamp.
    times: dict[str, str] = field(default_factory=dict)
    currencies: tuple[str, ...] = ()
    # Enumerations a standard fixes: a value outside them is critical.
    fixed_sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Enumerations a vendor grows over time: a new value is a warning.
    vendor_sets: dict[str, tuple[str, ...]] = field(default_factory=dict)


_TIMESTAMP = "{c}"
_EPOCH_SECONDS = "to_timestamp({c})::timestamp"
_EPOCH_NANOS = "make_timestamp({c} // 1000)"
_TEXT_TIME = "timezone('UTC', try_cast({c} as timestamptz))"
_DATE = "{c}::timestamp"

RULES: dict[str, TableRules] = {
    "litellm_spend_logs": TableRules(
        times={"start_time": _TIMESTAMP, "end_time": _TIMESTAMP},
        vendor_sets={
            "status": ("success", "failure"),
            "call_type": (
                "completion acompletion text_completion atext_completion embedding aembedding "
                "image_generation aimage_generation moderation amoderation transcription atranscription "
                "speech aspeech rerank arerank responses aresponses anthropic_messages "
                "_arealtime pass_through_endpoint"
            ).split(),
        },
    ),
    "openai_usage_results": TableRules(
        times={"start_time": _EPOCH_SECONDS, "end_time": _EPOCH_SECONDS},
        vendor_sets={"service_tier": ("auto", "default", "flex", "scale", "priority", "batch")},
    ),
    "openai_costs_results": TableRules(
        times={"start_time": _EPOCH_SECONDS, "end_time": _EPOCH_SECONDS},
        currencies=("amount_currency",),
    ),
    "anthropic_usage_messages": TableRules(
        vendor_sets={"service_tier": ("standard", "batch", "priority", "priority_on_demand", "flex")},
    ),
    "anthropic_costs_cost_report": TableRules(
        currencies=("currency",),
        vendor_sets={
            "cost_type": ("tokens", "web_search", "code_execution", "session_usage"),
            "service_tier": ("standard", "batch", "priority", "priority_on_demand", "flex"),
        },
    ),
    "aws_cur_line_items": TableRules(
        times={"line_item_usage_start_date": _TIMESTAMP, "line_item_usage_end_date": _TIMESTAMP},
        currencies=("line_item_currency_code",),
        vendor_sets={
            "line_item_line_item_type": (
                "Usage Tax Credit Refund Fee RIFee DiscountedUsage SavingsPlanCoveredUsage "
                "SavingsPlanNegation SavingsPlanRecurringFee SavingsPlanUpfrontFee BundledDiscount "
                "EdpDiscount PrivateRateDiscount DistributorDiscount"
            ).split()
        },
    ),
    "focus_charges": TableRules(
        times={"ChargePeriodStart": _TIMESTAMP, "ChargePeriodEnd": _TIMESTAMP},
        currencies=("BillingCurrency",),
        fixed_sets={
            "ChargeCategory": ("Usage", "Purchase", "Tax", "Credit", "Adjustment"),
            "ChargeClass": ("Correction",),
        },
    ),
    "otel_genai_spans": TableRules(
        times={"start_time_unix_nano": _EPOCH_NANOS, "end_time_unix_nano": _EPOCH_NANOS},
    ),
    "copilot_seats_seats": TableRules(times={"snapshot_date": _DATE}),
    "m365_copilot_usage_user_detail": TableRules(times={"report_refresh_date": _DATE}),
    "seats_seats": TableRules(times={"snapshot_date": _DATE}, currencies=("currency",)),
    "task_outcomes_tasks": TableRules(
        times={"started_at": _TEXT_TIME, "completed_at": _TEXT_TIME},
        currencies=("currency",),
    ),
    "reference_tools": TableRules(currencies=("currency",)),
    "reference_budgets": TableRules(currencies=("currency",)),
    "reference_labour_rates": TableRules(currencies=("currency",)),
    "reference_prices": TableRules(currencies=("currency",)),
}

# Columns the loader adds to every batch: which load a row came from, and its line in the file.
LOAD_COLUMN = "_load"
ROW_NUMBER_COLUMN = "_row_number"


def rules_for(spec: SourceSpec) -> TableRules:
    """The extra rules of a raw table (none for tables the spec describes fully)."""
    return RULES.get(spec.table, TableRules())


def time_column(column: str) -> str:
    """The batch column holding `column` as a timestamp (the raw column itself when it is one)."""
    return f"{column}__as_timestamp"


def key_columns(spec: SourceSpec) -> list[str]:
    """The raw columns of the natural key, in key order."""
    by_label = {f.label: f.name for f in spec.fields} | {f.name: f.name for f in spec.fields}
    return [by_label[key] for key in spec.natural_key]


def _base_type(f: Field) -> str:
    return f.type.upper().split("(")[0]


def checked_fields(spec: SourceSpec) -> list[Field]:
    """Fields an expectation reads: key, required, non-negative, currency and enumeration columns."""
    rules = rules_for(spec)
    named = {*key_columns(spec), *rules.currencies, *rules.fixed_sets, *rules.vendor_sets}
    return [f for f in spec.fields if f.name in named or f.required or f.non_negative]


def suite_name(spec: SourceSpec) -> str:
    """The suite's name: raw.<table>."""
    return f"raw.{spec.table}"


def raw_table_suite(spec: SourceSpec, checked_at: datetime) -> gx.ExpectationSuite:
    """The expectations one batch of a raw table's new rows must meet."""
    # GX takes seconds to import; only the validation step pays for it, not every aispend command.
    gx = import_great_expectations()
    import great_expectations.expectations as gxe

    rules = rules_for(spec)
    expectations = []
    for f in checked_fields(spec):
        types = PANDAS_TYPES[_base_type(f)]
        expectations.append(
            gxe.ExpectColumnValuesToBeInTypeList(
                column=f.name, type_list=types, severity=CRITICAL, description=f"{f.name} is {f.type.lower()}"
            )
        )
        if f.required:
            expectations.append(
                gxe.ExpectColumnValuesToNotBeNull(
                    column=f.name, severity=CRITICAL, description=f"{f.name} is present"
                )
            )
        if f.non_negative:
            expectations.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=f.name, min_value=0, severity=CRITICAL, description=f"{f.name} is not negative"
                )
            )
    latest = checked_at + FUTURE_SLACK
    for column in rules.times:
        expectations.append(
            gxe.ExpectColumnValuesToBeBetween(
                column=time_column(column),
                min_value=EARLIEST_EVENT,
                max_value=latest,
                severity=CRITICAL,
                description=f"{column} is between {EARLIEST_EVENT:%Y-%m-%d} and {latest:%Y-%m-%d %H:%M}",
            )
        )
    for column in rules.currencies:
        expectations.append(
            gxe.ExpectColumnValuesToBeInSet(
                column=f"{column}__upper",
                value_set=sorted(ISO_4217),
                severity=CRITICAL,
                description=f"{column} is an ISO 4217 currency code",
            )
        )
    for sets, severity, what in (
        (rules.fixed_sets, CRITICAL, "a value its standard allows"),
        (rules.vendor_sets, WARNING, "a value aispend knows"),
    ):
        for column, values in sets.items():
            expectations.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=column,
                    value_set=list(values),
                    severity=severity,
                    description=f"{column} is {what}",
                )
            )
    keys = key_columns(spec)
    expectations.append(
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=[LOAD_COLUMN, *keys],
            ignore_row_if="never",
            severity=CRITICAL,
            description=f"({', '.join(keys)}) is unique within each file",
        )
    )
    # Built whole and handed to the suite at once: a suite already saved by an earlier run stores
    # itself again on every `add_expectation`, which cost seconds per suite.
    return gx.ExpectationSuite(name=suite_name(spec), expectations=expectations)


LOAD_RECORD_SUITE_NAME = "ingest.file_loads"

# Each load record's counts against what the load left behind, as (record, found, expectation).
LOAD_RECORD_PAIRS = (
    (
        "rows_loaded",
        "rows_in_raw_table",
        "the raw table holds exactly the rows the load record says were loaded",
    ),
    ("rows_read", "rows_loaded_or_quarantined", "every row read was loaded or quarantined"),
    (
        "rows_quarantined",
        "rows_in_quarantine",
        "the quarantine holds exactly the rows the load record says were quarantined",
    ),
)


def load_record_suite() -> gx.ExpectationSuite:
    """The expectations every new load record must meet against the rows it left in the raw table."""
    gx = import_great_expectations()
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name=LOAD_RECORD_SUITE_NAME,
        expectations=[
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A=recorded, column_B=found, severity=CRITICAL, description=description
            )
            for recorded, found, description in LOAD_RECORD_PAIRS
        ],
    )
