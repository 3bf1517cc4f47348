"""FinOps FOCUS cost and usage exports (FOCUS 1.0 to 1.2, and the AI columns of the 1.3 draft).

Formats accepted: CSV (gzip or not) or Parquet, from any provider (AWS Data Exports, Microsoft Cost
Management, Google, Oracle, a FOCUS converter). The literal text `NULL` (as the FOCUS sample data
writes nulls) is read as a null in every column. Timestamps come as `YYYY-MM-DD HH:MM:SS` or ISO
8601 with `Z`; `Tags` and `SkuPriceDetails` are JSON object strings.

What is kept: every column, under FOCUS's own PascalCase name, because those are the names analysts
search for. FOCUS 1.0 to 1.2 columns that staging reads are typed: money, prices and quantities as
DECIMAL(38, 18) cast from their text (so `0.00000080000` and `1.46E-8` stay exact), timestamps in
UTC, JSON columns as JSON. Everything else (the sample's `Id`, providers' `x_*` extension columns,
`RequesterDetails`, columns of later FOCUS versions) stays in `_extra`, scrubbed of secrets.

Lifted out of JSON so staging needs no JSON functions: the `team` and `workflow` tags (`Tags_team`,
`Tags_workflow`; `Team` and AWS's `user:team` count too) and the draft AI keys of `SkuPriceDetails`
(`SkuPriceDetails_ModelId`, `SkuPriceDetails_TokenDirection`, `SkuPriceDetails_TokenCacheAction`).

Unloadable rows: no billing account, currency, billing or charge period, charge category or billed
cost; a value that does not convert; a negative billed cost or consumed quantity on a Usage charge
that is not a correction (credits and corrections are negative by design and load).

Re-deliveries: exports are re-written until the billing period closes. Every delivery loads in full;
`int_focus_charges_deduplicated` keeps the newest delivery of each billing period, billing account
and provider.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ingest import records as readers
from ingest.spec import Field, SourceSpec, sql_string

FOLDER = "focus"
NULL_TEXT = "NULL"

_PRICE_DETAILS = "_price_details"
# AWS's FOCUS export writes user tags as "user:team"; Azure and others as "team".
_TAG_KEYS = {
    "team": ("team", "Team", "user:team"),
    "workflow": ("workflow", "Workflow", "user:workflow"),
}
_PRICE_DETAIL_KEYS = ("ModelId", "TokenDirection", "TokenCacheAction")


def read_focus(path: Path) -> readers.Records:
    """Records of a FOCUS export, CSV or Parquet, with the text `NULL` read as a null."""
    records = readers.read_by_extension(path)
    source = records.batches

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in source:
            arrays = [batch.column(0)] + [_nulled(batch.column(i)) for i in range(1, batch.num_columns)]
            yield pa.RecordBatch.from_arrays(arrays, schema=records.schema)

    records.batches = batches()
    return records


def _nulled(column: pa.Array) -> pa.Array:
    is_null_text = pc.fill_null(pc.equal(column, NULL_TEXT), False)
    return pc.if_else(is_null_text, pa.scalar(None, column.type), column)


def _money(name: str, **kwargs) -> Field:
    return Field(name, "DECIMAL(38, 18)", **kwargs)


def _text(name: str, **kwargs) -> Field:
    return Field(name, "VARCHAR", **kwargs)


_JSON_OR_NULL = "case when json_valid({text}) then aispend_scrub({text})::json end"
_PRICE_DETAIL_STRUCTURE = json.dumps(dict.fromkeys(_PRICE_DETAIL_KEYS, "VARCHAR"))


def _lifted_tag(tag: str) -> Field:
    paths = ", ".join(f'json_extract_string("Tags", \'$."{key}"\')' for key in _TAG_KEYS[tag])
    return _text(f"Tags_{tag}", key=f"Tags.{tag}", text=f"try(coalesce({paths}))")


SPEC = SourceSpec(
    name=FOLDER,
    table="focus_charges",
    description="FinOps FOCUS cost and usage rows from any provider's FOCUS export, one row per charge.",
    natural_key=(
        "BillingAccountId",
        "ProviderName",
        "BillingPeriodStart",
        "ChargePeriodStart",
        "ChargeCategory",
        "SubAccountId",
        "ResourceId",
        "SkuPriceId",
    ),
    reader=read_focus,
    derived=(
        (_PRICE_DETAILS, f'try(json_transform("SkuPriceDetails", {sql_string(_PRICE_DETAIL_STRUCTURE)}))'),
    ),
    checks=(
        (
            "\"ChargeCategory\" = 'Usage' and coalesce(\"ChargeClass\", '') <> 'Correction' "
            'and try_cast("BilledCost" as decimal(38, 18)) < 0',
            "BilledCost is negative on a Usage charge that is not a correction",
        ),
        (
            "\"ChargeCategory\" = 'Usage' and coalesce(\"ChargeClass\", '') <> 'Correction' "
            'and try_cast("ConsumedQuantity" as decimal(38, 18)) < 0',
            "ConsumedQuantity is negative on a Usage charge that is not a correction",
        ),
    ),
    fields=(
        _money("BilledCost", required=True),
        _text("BillingAccountId", required=True),
        _text("BillingAccountName"),
        _text("BillingAccountType"),
        _text("BillingCurrency", required=True),
        Field("BillingPeriodStart", "TIMESTAMP", required=True),
        Field("BillingPeriodEnd", "TIMESTAMP", required=True),
        _text("ChargeCategory", required=True),
        _text("ChargeClass"),
        _text("ChargeDescription"),
        _text("ChargeFrequency"),
        Field("ChargePeriodStart", "TIMESTAMP", required=True),
        Field("ChargePeriodEnd", "TIMESTAMP", required=True),
        _text("CommitmentDiscountCategory"),
        _text("CommitmentDiscountId"),
        _text("CommitmentDiscountName"),
        _text("CommitmentDiscountStatus"),
        _text("CommitmentDiscountType"),
        _money("ConsumedQuantity"),
        _text("ConsumedUnit"),
        _money("ContractedCost"),
        _money("ContractedUnitPrice", non_negative=True),
        _money("EffectiveCost"),
        _text("InvoiceId"),
        _text("InvoiceIssuerName"),
        _money("ListCost"),
        _money("ListUnitPrice", non_negative=True),
        _text("PricingCategory"),
        _money("PricingQuantity"),
        _text("PricingUnit"),
        _text("ProviderName"),
        _text("PublisherName"),
        _text("HostProviderName"),
        _text("ServiceProviderName"),
        _text("RegionId"),
        _text("RegionName"),
        _text("AvailabilityZone"),
        _text("ResourceId"),
        _text("ResourceName"),
        _text("ResourceType"),
        _text("ServiceCategory"),
        _text("ServiceName"),
        _text("ServiceSubcategory"),
        _text("SkuId"),
        _text("SkuPriceId"),
        _text("SkuMeter"),
        Field("SkuPriceDetails", "JSON", expr=_JSON_OR_NULL),
        _text("SubAccountId"),
        _text("SubAccountName"),
        _text("SubAccountType"),
        _text("CredentialId"),
        _text("PrincipalId"),
        Field("Tags", "JSON", expr=_JSON_OR_NULL),
        _lifted_tag("team"),
        _lifted_tag("workflow"),
        *(
            _text(f"SkuPriceDetails_{key}", key=f"SkuPriceDetails.{key}", text=f"{_PRICE_DETAILS}.{key}")
            for key in _PRICE_DETAIL_KEYS
        ),
    ),
)
