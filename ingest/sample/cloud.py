"""Write the sample company's cloud bills: AWS Cost and Usage Reports and Microsoft's FOCUS export.

AWS: the platform team's incident bot calls Claude on Amazon Bedrock (route "bedrock"). Its calls
are billed in a monthly Cost and Usage Report, one line item per day, model and token type, next to
a handful of S3 and Lambda lines. Anthropic's models first bill through AWS Marketplace as
"<Model> (Amazon Bedrock Edition)" products with usage types like
`USE1-MP:USE1_InputTokenCount-Units`; from April 2026 Claude Sonnet 4.5 bills under `AmazonBedrock`
with usage types like `USE1-Claude4.5Sonnet-input-tokens`, while the Claude Haiku 4.5 fallback stays
a Marketplace product.
The company moved from legacy CUR to CUR 2.0 Data Exports on 2026-03-01: billing periods before
that are legacy CSV (gzip), later ones CUR 2.0 Parquet, and from April the export includes
`line_item_iam_principal`. Bedrock usage amounts are token counts priced per token ("Tokens" and
"Units" pricing units); AWS documents no CUR data dictionary for Bedrock, so this is the writer's
reading of AWS's Bedrock billing guide, not a copy of a real file.

Azure: the data team's churn model runs on Azure OpenAI (route "azure"). Microsoft's monthly FOCUS
1.2 export has one row per day and token meter (input, cached input, output), ConsumedUnit "Tokens",
PricingUnit "1000000 Tokens" for input meters and "1000 Tokens" for output (Azure prices meters in
both units), the data team's tag only from `company.AZURE_TAGGED_FROM`.

Money is exact: each line's cost is its token count times the catalogue's list price of the day
(the same prices `traffic` bills `list_cost` at), so bills reconcile to the cent.

Both providers re-deliver a month's file until the month closes: a mid-month delivery (usage up to
the 15th) and a final one early next month, written as separate files that sort in delivery order;
the newest delivery of a billing period replaces the older ones downstream. Every delivery holds the
month to date, also when the generated window starts mid-month (see `recall_day`).
"""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest.sample import company
from ingest.sample.files import landing_atomically
from ingest.sample.traffic import DayTraffic, catalogue_prices

AWS_FOLDER = "aws_cur"
FOCUS_FOLDER = "focus"
# The day the company switched its AWS export from legacy CUR to CUR 2.0 Data Exports.
CUR2_FROM = date(2026, 3, 1)
# CUR 2.0 exports carry the IAM principal column from this billing period.
IAM_PRINCIPAL_FROM = date(2026, 4, 1)
# A month's mid-month delivery covers usage up to and including this day.
MID_MONTH_DAY = 15
AWS_FINAL_DAY, AZURE_FINAL_DAY = 3, 5
AWS_DELIVERY_HOUR, AZURE_DELIVERY_HOUR = 4, 6
AWS_PAYER_NAME = "Northwind Analytics"
AWS_USAGE_ACCOUNT_NAME = "northwind-platform-prod"
AWS_REGION = "us-east-1"
REGION_PREFIX = "USE1"
# Stable ints that give each writer its own random stream.
_AWS_STREAM = 4_201

MILLION = Decimal(1_000_000)
TOKEN_TYPES = ("uncached_input", "cache_read", "cache_write", "output")
_PRICE_OF = {
    "uncached_input": "input",
    "cache_read": "cache_read",
    "cache_write": "cache_write",
    "output": "output",
}


# AWS billed Anthropic's models on Bedrock through AWS Marketplace, then moved Claude Sonnet 4.5 to
# first-party Bedrock billing; the Claude Haiku 4.5 fallback stays a Marketplace product.
FIRST_PARTY_SONNET_FROM = date(2026, 4, 1)


@dataclass(frozen=True)
class BedrockBilling:
    """How AWS bills a Bedrock model: as a Marketplace product, or under AmazonBedrock from a day."""

    display_name: str  # the Marketplace product is "<display_name> (Amazon Bedrock Edition)"
    usage_type_name: str | None = None  # the model's name in first-party usage types
    first_party_from: date | None = None

    def marketplace_on(self, day: date) -> bool:
        """True when the day's usage bills through AWS Marketplace."""
        return self.first_party_from is None or day < self.first_party_from


BEDROCK_BILLING = {
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0": BedrockBilling(
        "Claude Sonnet 4.5", "Claude4.5Sonnet", FIRST_PARTY_SONNET_FROM
    ),
    "us.anthropic.claude-haiku-4-5-20251001-v1:0": BedrockBilling("Claude Haiku 4.5"),
}
_FIRST_PARTY_SUFFIX = {
    "uncached_input": "input-tokens",
    "cache_read": "cache-read-input-token-count",
    "cache_write": "cache-write-input-token-count",
    "output": "output-tokens",
}
_MARKETPLACE_DIMENSION = {
    "uncached_input": "InputTokenCount",
    "cache_read": "CacheReadInputTokenCount",
    "cache_write": "CacheWriteInputTokenCount",
    "output": "OutputTokenCount",
}
_TOKEN_WORDS = {
    "uncached_input": "input tokens",
    "cache_read": "cache read input tokens",
    "cache_write": "cache write input tokens",
    "output": "output tokens",
}


def month_start(day: date) -> date:
    """The first day of the day's month."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after the day's month."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _stable_id(*parts: object, length: int = 52) -> str:
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return base64.b32encode(digest).decode().lower().rstrip("=")[:length]


def _tokens_by_model(calls: pa.Table, provider: str) -> list[tuple[str, dict[str, int]]]:
    """Each model's tokens of a day by canonical type, for the calls billed by one provider."""
    mine = calls.filter(pc.equal(calls["provider"], provider))
    if mine.num_rows == 0:
        return []
    uncached = pc.subtract(
        pc.subtract(mine["prompt_tokens"], mine["cache_read_tokens"]), mine["cache_write_tokens"]
    )
    table = pa.table(
        {
            "model": mine["model"],
            "uncached_input": uncached,
            "cache_read": mine["cache_read_tokens"],
            "cache_write": mine["cache_write_tokens"],
            "output": mine["completion_tokens"],
        }
    )
    summed = table.group_by("model").aggregate([(t, "sum") for t in TOKEN_TYPES]).to_pylist()
    return sorted((row["model"], {t: int(row[f"{t}_sum"]) for t in TOKEN_TYPES}) for row in summed)


def _price_per_token(model: str, day: date, token_type: str) -> Decimal:
    return getattr(catalogue_prices(model, day), _PRICE_OF[token_type]) / MILLION


def java_number(value: Decimal) -> str:
    """A number as AWS's legacy CUR writes it: Java's double text, `1.46E-8` below 0.001."""
    if value == 0:
        return "0.0"
    if abs(value) < Decimal("0.001"):
        sign, digits, exponent = value.normalize().as_tuple()
        mantissa = "".join(str(d) for d in digits)
        power = exponent + len(digits) - 1
        fraction = mantissa[1:] or "0"
        return f"{'-' if sign else ''}{mantissa[0]}.{fraction}E{power}"
    text = format(value.normalize(), "f")
    return text if "." in text else f"{text}.0"


def plain_number(value: Decimal) -> str:
    """A decimal's exact text without an exponent."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


class _MonthlyExport(ABC):
    """Collects a month's lines day by day and writes its deliveries: mid-month, final, or open at the end."""

    folder: str
    final_day: int
    delivery_hour: int

    def __init__(self) -> None:
        self._months: dict[date, list[dict]] = {}

    def recall_day(self, day: date, traffic: DayTraffic) -> None:
        """See a day of the month before the window, writing nothing: deliveries hold the month to date."""
        self._months.setdefault(month_start(day), []).extend(self.lines_for_day(day, traffic))

    def add_day(self, con: duckdb.DuckDBPyConnection, day: date, traffic: DayTraffic, out_dir: Path) -> None:
        """See one day; write the month's mid-month delivery on its 15th and the final one on its last day."""
        self.recall_day(day, traffic)
        if day.day == MID_MONTH_DAY:
            self._deliver(out_dir, month_start(day), day + timedelta(days=1), final=False)
        if day + timedelta(days=1) == next_month(day):
            stamp_day = next_month(day).replace(day=self.final_day)
            self._deliver(out_dir, month_start(day), stamp_day, final=True)
            del self._months[month_start(day)]

    def finish(self, con: duckdb.DuckDBPyConnection, out_dir: Path, first_day: date, last_day: date) -> None:
        """Deliver the month still open, as the provider would the morning after the last day."""
        if month_start(last_day) in self._months and last_day.day != MID_MONTH_DAY:
            self._deliver(out_dir, month_start(last_day), last_day + timedelta(days=1), final=False)

    def _deliver(self, out_dir: Path, period: date, stamp_day: date, final: bool) -> None:
        lines = self._months[period]
        if not lines:
            return
        stamp = datetime.combine(stamp_day, time(self.delivery_hour))
        path = out_dir / self.folder / self.delivery_path(period, stamp)
        path.parent.mkdir(parents=True, exist_ok=True)
        with landing_atomically(path) as partial:
            self.write(partial, period, lines, final)

    @abstractmethod
    def lines_for_day(self, day: date, traffic: DayTraffic) -> list[dict]:
        """The day's billed lines."""

    @abstractmethod
    def delivery_path(self, period: date, stamp: datetime) -> str:
        """Where, under the source folder, the delivery of a billing period made at `stamp` lands."""

    @abstractmethod
    def write(self, path: Path, period: date, lines: list[dict], final: bool) -> None:
        """Write a billing period's lines as one delivery file; `final` when the period is closed."""


# ---------------------------------------------------------------------------------------------------
# AWS Cost and Usage Report


def _bedrock_line(day: date, model: str, token_type: str, tokens: int) -> dict:
    billing = BEDROCK_BILLING.get(model)
    if billing is None:
        raise KeyError(f"no AWS billing name for Bedrock model {model}: add it to BEDROCK_BILLING")
    rate = _price_per_token(model, day, token_type)
    words = _TOKEN_WORDS[token_type]
    if billing.marketplace_on(day):
        product_name = f"{billing.display_name} (Amazon Bedrock Edition)"
        dimension = _MARKETPLACE_DIMENSION[token_type]
        line = {
            "product_code": _stable_id(product_name, length=25),
            "product_name": product_name,
            "service_code": _stable_id(product_name, length=25),
            "product_family": None,
            "usage_type": f"{REGION_PREFIX}-MP:{REGION_PREFIX}_{dimension}-Units",
            "pricing_unit": "Units",
            "billing_entity": "AWS Marketplace",
            "legal_entity": "Anthropic, PBC",
            "resource_id": None,
            "description": f"{billing.display_name} {words} ({dimension})",
        }
    else:
        line = {
            "product_code": "AmazonBedrock",
            "product_name": "Amazon Bedrock",
            "service_code": "AmazonBedrock",
            "product_family": "Amazon Bedrock",
            "usage_type": f"{REGION_PREFIX}-{billing.usage_type_name}-{_FIRST_PARTY_SUFFIX[token_type]}",
            "pricing_unit": "Tokens",
            "billing_entity": "AWS",
            "legal_entity": "Amazon Web Services, Inc.",
            "resource_id": f"arn:aws:bedrock:{AWS_REGION}:{company.AWS_ACCOUNT}:inference-profile/{model}",
            "description": f"${plain_number(rate * MILLION)} per million {words} for {billing.display_name} "
            "in US East (N. Virginia)",
        }
    return {
        **line,
        "day": day,
        "operation": "InvokeModelInference",
        "amount": Decimal(tokens),
        "rate": rate,
        "cost": Decimal(tokens) * rate,
        "principal": company.BEDROCK_PRINCIPAL,
        "tags": {f"user_{k}": v for k, v in company.BEDROCK_TAGS.items()},
    }


def _infrastructure_lines(rng: np.random.Generator, day: date, invocations: int) -> list[dict]:
    """The incident bot's Lambda function and its archive bucket: the CUR's non-AI lines."""
    days_in_month = (next_month(day) - month_start(day)).days
    stored_gb = Decimal(850 + 2 * (day - company.STORY_START).days + int(rng.integers(0, 40)))
    # AWS meters storage by the hour and rounds the month's share to ten decimals.
    gb_months = (stored_gb / days_in_month).quantize(Decimal("1E-10"))
    lambda_requests = Decimal(3 * invocations + int(rng.integers(200, 400)))
    gb_seconds = (lambda_requests * Decimal("0.9")).quantize(Decimal("0.001"))
    transfer_gb = Decimal(int(rng.integers(100, 9000))) * Decimal("1E-10")
    bot_tags = {f"user_{k}": v for k, v in company.BEDROCK_TAGS.items()}
    function = f"arn:aws:lambda:{AWS_REGION}:{company.AWS_ACCOUNT}:function:incident-summariser"
    s3 = {
        "product_code": "AmazonS3",
        "product_name": "Amazon Simple Storage Service",
        "service_code": "AmazonS3",
        "resource_id": "northwind-incident-archive",
        "tags": {},
    }
    aws_lambda = {
        "product_code": "AWSLambda",
        "product_name": "AWS Lambda",
        "service_code": "AWSLambda",
        "resource_id": function,
        "tags": bot_tags,
    }
    specs = (
        (s3, "TimedStorage-ByteHrs", "StandardStorage", "Storage", "GB-Mo", gb_months,
         Decimal("0.023"), "$0.023 per GB - first 50 TB / month of storage used"),
        (s3, "Requests-Tier1", "PutObject", "API Request", "Requests", Decimal(int(rng.integers(2000, 6000))),
         Decimal("0.000005"), "$0.005 per 1,000 PUT, COPY, POST, or LIST requests"),
        (s3, "USE1-APN3-AWS-Out-Bytes", "ListAllMyBuckets", "Data Transfer", "GB", transfer_gb,
         Decimal("0.02"), "$0.02 per GB - US East (Northern Virginia) data transfer to Asia Pacific (Tokyo)"),
        (aws_lambda, "Request", "Invoke", "Serverless", "Requests", lambda_requests, Decimal("0.0000002"),
         "AWS Lambda - Total Requests - US East (Northern Virginia)"),
        (aws_lambda, "Lambda-GB-Second", "Invoke", "Serverless", "Lambda-GB-Second", gb_seconds,
         Decimal("0.0000166667"), "AWS Lambda - Total Compute - US East (Northern Virginia)"),
    )  # fmt: skip
    lines = []
    for base, usage_type, operation, family, unit, amount, rate, description in specs:
        lines.append(
            {
                **base,
                "day": day,
                "product_family": family,
                "usage_type": usage_type,
                "operation": operation,
                "pricing_unit": unit,
                "billing_entity": "AWS",
                "legal_entity": "Amazon Web Services, Inc.",
                "description": description,
                "amount": amount,
                "rate": rate,
                "cost": amount * rate,
                "principal": None,
            }
        )
    return lines


LEGACY_HEADER = (
    "identity/LineItemId",
    "identity/TimeInterval",
    "bill/InvoiceId",
    "bill/InvoicingEntity",
    "bill/BillingEntity",
    "bill/BillType",
    "bill/PayerAccountId",
    "bill/BillingPeriodStartDate",
    "bill/BillingPeriodEndDate",
    "lineItem/UsageAccountId",
    "lineItem/LineItemType",
    "lineItem/UsageStartDate",
    "lineItem/UsageEndDate",
    "lineItem/ProductCode",
    "lineItem/UsageType",
    "lineItem/Operation",
    "lineItem/AvailabilityZone",
    "lineItem/ResourceId",
    "lineItem/UsageAmount",
    "lineItem/NormalizationFactor",
    "lineItem/NormalizedUsageAmount",
    "lineItem/CurrencyCode",
    "lineItem/UnblendedRate",
    "lineItem/UnblendedCost",
    "lineItem/BlendedRate",
    "lineItem/BlendedCost",
    "lineItem/LineItemDescription",
    "lineItem/TaxType",
    "lineItem/LegalEntity",
    "product/ProductName",
    "product/productFamily",
    "product/region",
    "product/regionCode",
    "product/servicecode",
    "product/sku",
    "product/usagetype",
    "product/operation",
    "pricing/RateCode",
    "pricing/currency",
    "pricing/publicOnDemandCost",
    "pricing/publicOnDemandRate",
    "pricing/term",
    "pricing/unit",
    "resourceTags/user:team",
    "resourceTags/user:workflow",
)


def _invoice_id(period: date) -> str:
    return str(2_100_000_000 + (period.year * 12 + period.month) * 7_919 % 99_999_999)


class AwsCurWriter(_MonthlyExport):
    """The payer account's Cost and Usage Report: legacy CSV before March 2026, CUR 2.0 Parquet after."""

    folder = AWS_FOLDER
    final_day = AWS_FINAL_DAY
    delivery_hour = AWS_DELIVERY_HOUR

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.seed = seed

    def lines_for_day(self, day: date, traffic: DayTraffic) -> list[dict]:
        """The day's Bedrock token lines and the bot's S3 and Lambda lines."""
        rng = np.random.default_rng([self.seed, _AWS_STREAM, day.toordinal()])
        lines = []
        for model, tokens in _tokens_by_model(traffic.calls, "bedrock"):
            for token_type in TOKEN_TYPES:
                if tokens[token_type] > 0:
                    lines.append(_bedrock_line(day, model, token_type, tokens[token_type]))
        invocations = pc.sum(pc.equal(traffic.calls["provider"], "bedrock")).as_py() or 0
        lines.extend(_infrastructure_lines(rng, day, invocations))
        for line in lines:
            line["line_item_id"] = _stable_id(
                company.AWS_PAYER_ACCOUNT, day, line["usage_type"], line["product_code"]
            )
            line["sku"] = _stable_id(line["product_code"], line["usage_type"], length=16).upper()
        return lines

    def delivery_path(self, period: date, stamp: datetime) -> str:
        if period >= CUR2_FROM:
            partition = f"cur2/northwind-cur2/data/BILLING_PERIOD={period:%Y-%m}"
            return f"{partition}/{stamp:%Y-%m-%dT%H%MZ}-00001.snappy.parquet"
        span = f"{period:%Y%m%d}-{next_month(period):%Y%m%d}"
        return f"legacy/northwind-cur/{span}/{stamp:%Y%m%dT%H%MZ}/northwind-cur-00001.csv.gz"

    def write(self, path: Path, period: date, lines: list[dict], final: bool) -> None:
        ordered = sorted(lines, key=lambda x: (x["day"], x["product_code"], x["usage_type"]))
        if period >= CUR2_FROM:
            _write_cur2(path, period, ordered, final)
        else:
            _write_legacy(path, period, ordered, final)


def _interval(day: date) -> str:
    return f"{day:%Y-%m-%d}T00:00:00Z/{day + timedelta(days=1):%Y-%m-%d}T00:00:00Z"


def _write_legacy(path: Path, period: date, lines: list[dict], final: bool) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(LEGACY_HEADER)
    for line in lines:
        day = line["day"]
        rate, cost = java_number(line["rate"]), java_number(line["cost"])
        writer.writerow(
            [
                line["line_item_id"],
                _interval(day),
                _invoice_id(period) if final else "",
                "Amazon Web Services, Inc.",
                line["billing_entity"],
                "Anniversary",
                company.AWS_PAYER_ACCOUNT,
                f"{period:%Y-%m-%d}T00:00:00.000Z",
                f"{next_month(period):%Y-%m-%d}T00:00:00.000Z",
                company.AWS_ACCOUNT,
                "Usage",
                f"{day:%Y-%m-%d}T00:00:00.000Z",
                f"{day + timedelta(days=1):%Y-%m-%d}T00:00:00.000Z",
                line["product_code"],
                line["usage_type"],
                line["operation"],
                "",
                line["resource_id"] or "",
                java_number(line["amount"]),
                "0.0",
                "0.0",
                "USD",
                rate,
                cost,
                rate,
                cost,
                line["description"],
                "",
                line["legal_entity"],
                line["product_name"],
                line["product_family"] or "",
                AWS_REGION,
                AWS_REGION,
                line["service_code"],
                line["sku"],
                line["usage_type"],
                line["operation"],
                f"{line['sku']}.JRTCKXETXF.6YS6EN2CT7",
                "USD",
                cost,
                rate,
                "OnDemand",
                line["pricing_unit"],
                line["tags"].get("user_team", ""),
                line["tags"].get("user_workflow", ""),
            ]
        )
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed:
        packed.write(text.getvalue().encode("utf-8"))


_STRING_MAP = pa.map_(pa.string(), pa.string())
_TIME = pa.timestamp("ms")


def _cur2_schema(with_principal: bool) -> pa.Schema:
    fields = [
        ("bill_bill_type", pa.string()),
        ("bill_billing_entity", pa.string()),
        ("bill_billing_period_end_date", _TIME),
        ("bill_billing_period_start_date", _TIME),
        ("bill_invoice_id", pa.string()),
        ("bill_invoicing_entity", pa.string()),
        ("bill_payer_account_id", pa.string()),
        ("bill_payer_account_name", pa.string()),
        ("cost_category", _STRING_MAP),
        ("discount", pa.map_(pa.string(), pa.float64())),
        ("identity_line_item_id", pa.string()),
        ("identity_time_interval", pa.string()),
        ("line_item_availability_zone", pa.string()),
        ("line_item_blended_cost", pa.float64()),
        ("line_item_blended_rate", pa.string()),
        ("line_item_currency_code", pa.string()),
        *([("line_item_iam_principal", pa.string())] if with_principal else []),
        ("line_item_legal_entity", pa.string()),
        ("line_item_line_item_description", pa.string()),
        ("line_item_line_item_type", pa.string()),
        ("line_item_net_unblended_cost", pa.float64()),
        ("line_item_operation", pa.string()),
        ("line_item_product_code", pa.string()),
        ("line_item_resource_id", pa.string()),
        ("line_item_tax_type", pa.string()),
        ("line_item_unblended_cost", pa.float64()),
        ("line_item_unblended_rate", pa.string()),
        ("line_item_usage_account_id", pa.string()),
        ("line_item_usage_account_name", pa.string()),
        ("line_item_usage_amount", pa.float64()),
        ("line_item_usage_end_date", _TIME),
        ("line_item_usage_start_date", _TIME),
        ("line_item_usage_type", pa.string()),
        ("pricing_currency", pa.string()),
        ("pricing_public_on_demand_cost", pa.float64()),
        ("pricing_public_on_demand_rate", pa.string()),
        ("pricing_term", pa.string()),
        ("pricing_unit", pa.string()),
        ("product", _STRING_MAP),
        ("product_product_family", pa.string()),
        ("product_region_code", pa.string()),
        ("product_servicecode", pa.string()),
        ("product_sku", pa.string()),
        ("product_usagetype", pa.string()),
        ("resource_tags", _STRING_MAP),
    ]
    return pa.schema(fields)


def _write_cur2(path: Path, period: date, lines: list[dict], final: bool) -> None:
    with_principal = period >= IAM_PRINCIPAL_FROM
    schema = _cur2_schema(with_principal)
    start = datetime.combine(period, time())
    end = datetime.combine(next_month(period), time())
    rows = []
    for line in lines:
        day = datetime.combine(line["day"], time())
        rate = plain_number(line["rate"])
        cost = float(line["cost"])
        row = {
            "bill_bill_type": "Anniversary",
            "bill_billing_entity": line["billing_entity"],
            "bill_billing_period_end_date": end,
            "bill_billing_period_start_date": start,
            "bill_invoice_id": _invoice_id(period) if final else None,
            "bill_invoicing_entity": "Amazon Web Services, Inc.",
            "bill_payer_account_id": company.AWS_PAYER_ACCOUNT,
            "bill_payer_account_name": AWS_PAYER_NAME,
            "cost_category": [],
            "discount": [],
            "identity_line_item_id": line["line_item_id"],
            "identity_time_interval": _interval(line["day"]),
            "line_item_availability_zone": None,
            "line_item_blended_cost": cost,
            "line_item_blended_rate": rate,
            "line_item_currency_code": "USD",
            "line_item_legal_entity": line["legal_entity"],
            "line_item_line_item_description": line["description"],
            "line_item_line_item_type": "Usage",
            "line_item_net_unblended_cost": cost,
            "line_item_operation": line["operation"],
            "line_item_product_code": line["product_code"],
            "line_item_resource_id": line["resource_id"],
            "line_item_tax_type": None,
            "line_item_unblended_cost": cost,
            "line_item_unblended_rate": rate,
            "line_item_usage_account_id": company.AWS_ACCOUNT,
            "line_item_usage_account_name": AWS_USAGE_ACCOUNT_NAME,
            "line_item_usage_amount": float(line["amount"]),
            "line_item_usage_end_date": day + timedelta(days=1),
            "line_item_usage_start_date": day,
            "line_item_usage_type": line["usage_type"],
            "pricing_currency": "USD",
            "pricing_public_on_demand_cost": cost,
            "pricing_public_on_demand_rate": rate,
            "pricing_term": "OnDemand",
            "pricing_unit": line["pricing_unit"],
            "product": sorted(
                {
                    "product_name": line["product_name"],
                    "region": AWS_REGION,
                    "servicename": line["product_name"],
                }.items()
            ),
            "product_product_family": line["product_family"],
            "product_region_code": AWS_REGION,
            "product_servicecode": line["service_code"],
            "product_sku": line["sku"],
            "product_usagetype": line["usage_type"],
            "resource_tags": sorted(line["tags"].items()),
        }
        if with_principal:
            row["line_item_iam_principal"] = line["principal"]
        rows.append(row)
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, compression="snappy")


# ---------------------------------------------------------------------------------------------------
# Microsoft FOCUS export (Azure OpenAI)

# Microsoft's FOCUS export names the MCA billing profile as the billing account.
AZURE_BILLING_ACCOUNT = (
    "/providers/Microsoft.Billing/billingAccounts/6c1f0b52-3e8d-4f7a-9b2c-5d4e7a8f9c10:"
    "2f9e1c7a-8b3d-4e6f-a5c2-1d0b9e8f7a63_2019-05-31"
)
AZURE_BILLING_ACCOUNT_ID = f"{AZURE_BILLING_ACCOUNT}/billingProfiles/NW7Q-2XK9-BG7-TGB"
AZURE_BILLING_ACCOUNT_NAME = "Northwind Analytics"
AZURE_SUBSCRIPTION_NAME = "nw-data-science"
AZURE_RESOURCE_GROUP = "rg-data-science"
AZURE_REGION = ("eastus", "East US")
AZURE_TAGS = {"team": "data"}

# Every FOCUS 1.2 column, in the specification's order; a provider's export adds its own x_ columns.
FOCUS_1_2_COLUMNS = (
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingAccountType",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "CapacityReservationId",
    "CapacityReservationStatus",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountQuantity",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "CommitmentDiscountUnit",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceId",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingCurrency",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "ServiceSubcategory",
    "SkuId",
    "SkuMeter",
    "SkuPriceDetails",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "SubAccountType",
    "Tags",
)
# Azure's FOCUS export: the FOCUS 1.2 columns, then Microsoft's extension columns.
FOCUS_HEADER = (
    *FOCUS_1_2_COLUMNS,
    "x_BillingProfileId",
    "x_PricingBlockSize",
    "x_PricingUnitDescription",
    "x_ResourceGroupName",
    "x_SkuMeterCategory",
    "x_SkuMeterName",
    "x_SkuMeterSubcategory",
)
# Azure's token meters: meter name suffix, pricing block (tokens per pricing unit) and its description.
_AZURE_METERS = {
    "uncached_input": ("Inp glbl Tokens", 1_000_000, "1M Tokens"),
    "cache_read": ("cached Inp glbl", 1_000_000, "1M Tokens"),
    "output": ("Outp glbl Tokens", 1_000, "1K Tokens"),
}


def _azure_invoice_id(period: date) -> str:
    return f"G{(period.year * 12 + period.month) * 104_729 % 1_000_000_000:09d}"


class AzureFocusWriter(_MonthlyExport):
    """Microsoft Cost Management's monthly FOCUS 1.2 export for the data team's subscription."""

    folder = FOCUS_FOLDER
    final_day = AZURE_FINAL_DAY
    delivery_hour = AZURE_DELIVERY_HOUR

    def __init__(self, seed: int) -> None:
        super().__init__()
        # Nothing here is random: the export is a pure function of the day's calls.
        self.seed = seed

    def lines_for_day(self, day: date, traffic: DayTraffic) -> list[dict]:
        """One row per model and token meter with tokens that day."""
        lines = []
        for model, tokens in _tokens_by_model(traffic.calls, "azure"):
            if tokens["cache_write"]:
                raise ValueError(f"Azure OpenAI has no cache-write meter, but {model} wrote cache tokens")
            meter_base = company.MODELS[model].catalogue_ref.replace("-", " ")
            for token_type, (suffix, block, block_text) in _AZURE_METERS.items():
                if tokens[token_type] == 0:
                    continue
                unit_price = _price_per_token(model, day, token_type) * block
                quantity = Decimal(tokens[token_type]) / block
                lines.append(
                    {
                        "day": day,
                        "meter": f"{meter_base} {suffix}",
                        "tokens": tokens[token_type],
                        "block": block,
                        "block_text": block_text,
                        "unit_price": unit_price,
                        "quantity": quantity,
                        "cost": quantity * unit_price,
                    }
                )
        return lines

    def delivery_path(self, period: date, stamp: datetime) -> str:
        last = next_month(period) - timedelta(days=1)
        return (
            f"azure/northwind-focus-cost/{period:%Y%m%d}-{last:%Y%m%d}/{stamp:%Y%m%dT%H%MZ}/part_0_0001.csv"
        )

    def write(self, path: Path, period: date, lines: list[dict], final: bool) -> None:
        resource_name = company.AZURE_RESOURCE.rsplit("/", 1)[-1]
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(FOCUS_HEADER)
            for line in sorted(lines, key=lambda x: (x["day"], x["meter"])):
                day = line["day"]
                cost, price = plain_number(line["cost"]), plain_number(line["unit_price"])
                sku_price_id = _stable_id("azure", line["meter"], length=12).upper()
                tags = AZURE_TAGS if day >= company.AZURE_TAGGED_FROM else {}
                values = {
                    "BilledCost": cost,
                    "BillingAccountId": AZURE_BILLING_ACCOUNT_ID,
                    "BillingAccountName": AZURE_BILLING_ACCOUNT_NAME,
                    "BillingAccountType": "Billing Profile",
                    "BillingCurrency": "USD",
                    "BillingPeriodEnd": f"{next_month(period):%Y-%m-%d}T00:00:00Z",
                    "BillingPeriodStart": f"{period:%Y-%m-%d}T00:00:00Z",
                    "ChargeCategory": "Usage",
                    "ChargeDescription": f"Azure OpenAI - {line['meter']}",
                    "ChargeFrequency": "Usage-Based",
                    "ChargePeriodEnd": f"{day + timedelta(days=1):%Y-%m-%d}T00:00:00Z",
                    "ChargePeriodStart": f"{day:%Y-%m-%d}T00:00:00Z",
                    "ConsumedQuantity": str(line["tokens"]),
                    "ConsumedUnit": "Tokens",
                    "ContractedCost": cost,
                    "ContractedUnitPrice": price,
                    "EffectiveCost": cost,
                    "InvoiceId": _azure_invoice_id(period) if final else "",
                    "InvoiceIssuerName": "Microsoft",
                    "ListCost": cost,
                    "ListUnitPrice": price,
                    "PricingCategory": "Standard",
                    "PricingCurrency": "USD",
                    "PricingCurrencyContractedUnitPrice": price,
                    "PricingCurrencyEffectiveCost": cost,
                    "PricingCurrencyListUnitPrice": price,
                    "PricingQuantity": plain_number(line["quantity"]),
                    "PricingUnit": f"{line['block']} Tokens",
                    "ProviderName": "Microsoft",
                    "PublisherName": "Microsoft",
                    "RegionId": AZURE_REGION[0],
                    "RegionName": AZURE_REGION[1],
                    "ResourceId": company.AZURE_RESOURCE,
                    "ResourceName": resource_name,
                    "ResourceType": "Azure OpenAI",
                    "ServiceCategory": "AI and Machine Learning",
                    "ServiceName": "Azure AI Services",
                    "ServiceSubcategory": "Generative AI",
                    "SkuId": sku_price_id[:8],
                    "SkuMeter": line["meter"],
                    "SkuPriceId": sku_price_id,
                    "SubAccountId": f"/subscriptions/{company.AZURE_SUBSCRIPTION}",
                    "SubAccountName": AZURE_SUBSCRIPTION_NAME,
                    "SubAccountType": "Subscription",
                    "Tags": _json_object(tags),
                    "x_BillingProfileId": AZURE_BILLING_ACCOUNT_ID,
                    "x_PricingBlockSize": str(line["block"]),
                    "x_PricingUnitDescription": line["block_text"],
                    "x_ResourceGroupName": AZURE_RESOURCE_GROUP,
                    "x_SkuMeterCategory": "Foundry Models",
                    "x_SkuMeterName": line["meter"],
                    "x_SkuMeterSubcategory": "Azure OpenAI",
                }
                writer.writerow([values.get(column, "") for column in FOCUS_HEADER])


def _json_object(values: dict[str, str]) -> str:
    return json.dumps(values, separators=(",", ":"), sort_keys=True)
