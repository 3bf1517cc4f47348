"""Write the marketing team's own Google Cloud bill: Gemini on Vertex AI, as a FOCUS export.

From June 2026 the marketing team drafts campaign ideas with Gemini on Google Cloud's Vertex AI, in a
project of its own (`nw-marketing-genai`) paid through a Cloud Billing account of its own. Its calls
pass neither the gateway nor any tool the company lists (reference tools.csv has no Google tool):
this bill is the sample's shadow AI spend. The project carries the label `team: marketing`, so the
spend is allocated to marketing by its tag, yet it is on no tool of the list.

Every campaign-copy brief the marketing workflow writes on a day is also sent to Gemini for three
alternative drafts: the first reads the brief uncached, the other two from Vertex AI's context cache,
and each draft writes as much as the workflow's own answer. So a day's Gemini tokens follow the day's
successful `marketing_copy` calls: uncached input = their prompt tokens, cached input = twice that,
output = three times their completion tokens. Gemini 2.5 Flash until July, Gemini 2.5 Pro from August.

The bill is Google Cloud's FOCUS export (FOCUS 1.2 columns) from BigQuery, written as gzip CSV by an
export job, one row per day and SKU (input, cached input, output tokens of a model). Every row is
priced at the genai-prices catalogue's Google list price of the day, exactly: BilledCost = tokens x
price per token, so the bill reconciles to the cent. Like the other cloud bills, a month is
re-delivered until it closes (a mid-month and a final delivery, each holding the month to date, see
`cloud._MonthlyExport`); the newest delivery of a billing period replaces the older ones downstream.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow.compute as pc

from ingest.price_catalogue import list_prices
from ingest.sample.cloud import FOCUS_1_2_COLUMNS, FOCUS_FOLDER, _MonthlyExport, next_month, plain_number
from ingest.sample.traffic import DayTraffic

GCP_BILLING_ACCOUNT = "01C7A2-9F3E5B-4D8E61"
GCP_BILLING_ACCOUNT_NAME = "Northwind Marketing"
GCP_PROJECT = "nw-marketing-genai"
GCP_REGION = ("us-central1", "Iowa")
GCP_LABELS = {"team": "marketing", "env": "sandbox"}
GCP_FINAL_DAY, GCP_DELIVERY_HOUR = 2, 5
# The catalogue's provider for Google's own Gemini prices.
CATALOGUE_PROVIDER = "google"
# Which Gemini model the team uses from which day; the first entry starts the bill.
GEMINI_PLAN = (
    (date(2026, 6, 1), "gemini-2.5-flash"),
    (date(2026, 8, 1), "gemini-2.5-pro"),
)
GEMINI_NAMES = {"gemini-2.5-flash": "Gemini 2.5 Flash", "gemini-2.5-pro": "Gemini 2.5 Pro"}
DRAFTS_PER_BRIEF = 3
# SKU description suffix and the catalogue price each token type is billed at.
_SKUS = (
    ("uncached_input", "Input Text Tokens", "input"),
    ("cache_read", "Cached Input Text Tokens", "cache_read"),
    ("output", "Output Text Tokens", "output"),
)
MILLION = Decimal(1_000_000)


def gemini_model_on(day: date) -> str | None:
    """The Gemini model the marketing team uses on a day; None before it started."""
    current = None
    for start, model in GEMINI_PLAN:
        if day >= start:
            current = model
    return current


def gemini_tokens(traffic: DayTraffic) -> dict[str, int]:
    """A day's Gemini tokens by canonical type, from the day's successful campaign-copy calls."""
    calls = traffic.calls
    mine = calls.filter(
        pc.and_(pc.equal(calls["workflow_id"], "marketing_copy"), pc.equal(calls["status"], "success"))
    )
    prompt = int(pc.sum(mine["prompt_tokens"]).as_py() or 0)
    completion = int(pc.sum(mine["completion_tokens"]).as_py() or 0)
    return {
        "uncached_input": prompt,
        "cache_read": (DRAFTS_PER_BRIEF - 1) * prompt,
        "output": DRAFTS_PER_BRIEF * completion,
    }


def _sku_id(*parts: object) -> str:
    """A Google-style SKU id (`1A2B-3C4D-5E6F`), stable per SKU."""
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest().upper()
    return f"{digest[0:4]}-{digest[4:8]}-{digest[8:12]}"


def _invoice_id(period: date) -> str:
    return f"{(period.year * 12 + period.month) * 7_919_177 % 10**10:010d}"


class GcpFocusWriter(_MonthlyExport):
    """Google Cloud's FOCUS export for the marketing team's billing account, gzip CSV per delivery."""

    folder = FOCUS_FOLDER
    final_day = GCP_FINAL_DAY
    delivery_hour = GCP_DELIVERY_HOUR

    def lines_for_day(self, day: date, traffic: DayTraffic) -> list[dict]:
        """One line per SKU with tokens that day, priced at the catalogue's list price of the day."""
        model = gemini_model_on(day)
        if model is None:
            return []
        prices = list_prices(CATALOGUE_PROVIDER, model, day)
        tokens_by_type = gemini_tokens(traffic)
        lines = []
        for token_type, words, price_name in _SKUS:
            tokens = tokens_by_type[token_type]
            if tokens == 0:
                continue
            price_per_million = getattr(prices, price_name)
            lines.append(
                {
                    "day": day,
                    "model": model,
                    "sku": f"{GEMINI_NAMES[model]} {words}",
                    "tokens": tokens,
                    "price_per_million": price_per_million,
                    "cost": Decimal(tokens) * price_per_million / MILLION,
                }
            )
        return lines

    def delivery_path(self, period: date, stamp: datetime) -> str:
        return f"gcp/{GCP_BILLING_ACCOUNT}/{period:%Y%m}/{stamp:%Y%m%dT%H%MZ}/focus-000000000000.csv.gz"

    def write(self, path: Path, period: date, lines: list[dict], final: bool) -> None:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(FOCUS_1_2_COLUMNS)
        for line in sorted(lines, key=lambda x: (x["day"], x["sku"])):
            writer.writerow([_focus_row(line, period, final).get(c, "") for c in FOCUS_1_2_COLUMNS])
        with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed:
            packed.write(text.getvalue().encode("utf-8"))


def _focus_row(line: dict, period: date, final: bool) -> dict[str, str]:
    day = line["day"]
    cost = plain_number(line["cost"])
    price = plain_number(line["price_per_million"])
    sku_id = _sku_id("vertex", line["sku"])
    resource = (
        f"//aiplatform.googleapis.com/projects/{GCP_PROJECT}/locations/{GCP_REGION[0]}"
        f"/publishers/google/models/{line['model']}"
    )
    return {
        "BilledCost": cost,
        "BillingAccountId": GCP_BILLING_ACCOUNT,
        "BillingAccountName": GCP_BILLING_ACCOUNT_NAME,
        "BillingAccountType": "Billing Account",
        "BillingCurrency": "USD",
        "BillingPeriodEnd": f"{next_month(period):%Y-%m-%d}T00:00:00Z",
        "BillingPeriodStart": f"{period:%Y-%m-%d}T00:00:00Z",
        "ChargeCategory": "Usage",
        "ChargeDescription": line["sku"],
        "ChargeFrequency": "Usage-Based",
        "ChargePeriodEnd": f"{day + timedelta(days=1):%Y-%m-%d}T00:00:00Z",
        "ChargePeriodStart": f"{day:%Y-%m-%d}T00:00:00Z",
        "ConsumedQuantity": str(line["tokens"]),
        "ConsumedUnit": "Tokens",
        "ContractedCost": cost,
        "ContractedUnitPrice": price,
        "EffectiveCost": cost,
        "InvoiceId": _invoice_id(period) if final else "",
        "InvoiceIssuerName": "Google",
        "ListCost": cost,
        "ListUnitPrice": price,
        "PricingCategory": "Standard",
        "PricingCurrency": "USD",
        "PricingCurrencyContractedUnitPrice": price,
        "PricingCurrencyEffectiveCost": cost,
        "PricingCurrencyListUnitPrice": price,
        "PricingQuantity": plain_number(Decimal(line["tokens"]) / MILLION),
        "PricingUnit": "1000000 Tokens",
        "ProviderName": "Google Cloud",
        "PublisherName": "Google",
        "RegionId": GCP_REGION[0],
        "RegionName": GCP_REGION[1],
        "ResourceId": resource,
        "ResourceName": line["model"],
        "ResourceType": "Vertex AI Model",
        "ServiceCategory": "AI and Machine Learning",
        "ServiceName": "Vertex AI",
        "ServiceSubcategory": "Generative AI",
        "SkuId": sku_id,
        "SkuMeter": line["sku"],
        "SkuPriceId": f"{sku_id}-{_sku_id('price', line['sku'], line['price_per_million'])}",
        "SubAccountId": GCP_PROJECT,
        "SubAccountName": GCP_PROJECT,
        "SubAccountType": "Project",
        "Tags": json.dumps(GCP_LABELS, separators=(",", ":"), sort_keys=True),
    }
