"""AWS Cost and Usage Report line items, legacy CUR and CUR 2.0 (Data Exports) in one raw table.

Formats accepted, gzip or not: legacy CUR CSV with `category/Column` headers
(`identity/LineItemId`, `lineItem/UnblendedCost`, `resourceTags/user:team`, ...), legacy CUR Parquet
(the Athena flavour: `line_item_unblended_cost`, `resource_tags_user_team`, ...), and CUR 2.0 Parquet
or CSV (`line_item_unblended_cost`, `resource_tags` and `product` as maps, `line_item_iam_principal`).

One raw table with CUR 2.0 column names. `read_cur` renames legacy headers mechanically: the
category and the column are each split at capital letters, lower-cased and joined with `_`
(`lineItem/UnblendedCost` -> `line_item_unblended_cost`, `bill/BillingPeriodStartDate` ->
`bill_billing_period_start_date`, `savingsPlan/SavingsPlanARN` -> `savings_plan_savings_plan_a_r_n`,
the same names CUR 2.0 uses). Legacy tag columns are folded into one `resource_tags` JSON object like
CUR 2.0's map, and cost category columns into `cost_category`.

Tag key rule (chosen; AWS documents no CUR 2.0 key normalisation): the legacy column's key after
`resourceTags/` gets the same treatment as column names, with `:` and any other character that is
not a letter or digit becoming `_` (`user:team` -> `user_team`, `user:CostCenter` ->
`user_cost_center`, `aws:createdBy` -> `aws_created_by`). Athena's legacy columns
(`resource_tags_user_team`) give the same keys, and CUR 2.0 map keys are kept as they come. Empty
tag cells are left out of the object, as CUR 2.0 leaves absent tags out of its map.

What is kept: every column. The ones staging reads are typed (money and amounts as DECIMAL(38, 18)
cast from their text, so `1.46E-8` is exactly 0.0000000146; timestamps in UTC); every other column,
AWS's schema drift included, stays in `_extra`. Two values are also lifted out of JSON so staging
needs no JSON functions: the product name, from `product_product_name` or CUR 2.0's `product` map,
and the `user_team` and `user_workflow` tags.

Unloadable rows: a missing line item id, payer account, billing period, usage start, line item type,
product code or cost; a value that does not convert; a Usage line with a negative cost or amount
(credits, refunds and discounts are negative by design and load).

Re-deliveries: AWS re-writes a billing period's report until the month closes. Every delivery loads
in full; `int_aws_cur_line_items_deduplicated` keeps the newest delivery of each billing period and
payer account.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from ingest import records as readers
from ingest.errors import RejectedFile
from ingest.spec import Field, SourceSpec, sql_string

FOLDER = "aws_cur"

# Legacy column categories folded into one JSON object each, as CUR 2.0 maps them.
MAP_CATEGORIES = {"resourceTags": "resource_tags", "costCategory": "cost_category"}
# The tags lifted into their own raw columns: the ones the company allocates by.
LIFTED_TAGS = ("user_team", "user_workflow")

_CAPITAL = re.compile(r"([A-Z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def snake_name(text: str) -> str:
    """`UnblendedCost` -> `unblended_cost`, `user:CostCenter` -> `user_cost_center`."""
    return _NOT_WORD.sub("_", _CAPITAL.sub(r"_\1", text).lower()).strip("_")


def cur2_column_name(legacy: str) -> str:
    """The CUR 2.0 name of a legacy CUR header; a header without `/` is already one."""
    if "/" not in legacy:
        return legacy
    category, column = legacy.split("/", 1)
    return f"{snake_name(category)}_{snake_name(column)}"


def _map_column(column: str) -> tuple[str, str] | None:
    """(map column, key) when a header is one entry of a CUR 2.0 map (a tag or a cost category)."""
    if "/" in column:
        category, key = column.split("/", 1)
        if category in MAP_CATEGORIES:
            return MAP_CATEGORIES[category], snake_name(key)
        return None
    for target in MAP_CATEGORIES.values():
        if column.startswith(f"{target}_"):
            return target, column.removeprefix(f"{target}_")
    return None


def read_cur(path: Path) -> readers.Records:
    """Records of a CUR file (CSV or Parquet, legacy or 2.0) with CUR 2.0 column names."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".parquet"):
        records = readers.parquet_rows(path)
    elif name.endswith((".csv", ".txt")):
        records = readers.csv_rows(path)
    else:
        raise RejectedFile(f"unsupported file type '{path.suffix}': a CUR file is .csv, .csv.gz or .parquet")
    return with_cur2_names(records)


def with_cur2_names(records: readers.Records) -> readers.Records:
    """The same records with legacy headers renamed and tag/cost-category columns folded into maps.

    Row counts and bad rows stay on the original records object, which this returns changed.
    """
    plain: list[tuple[int, str]] = []  # (column index, CUR 2.0 name)
    entries: dict[str, list[tuple[int, str]]] = {}  # map column -> [(column index, key)]
    existing_map: dict[str, int] = {}
    for index, column in enumerate(records.columns):
        folded = _map_column(column)
        if folded is not None:
            entries.setdefault(folded[0], []).append((index, folded[1]))
        elif column in MAP_CATEGORIES.values():
            existing_map[column] = index
        else:
            plain.append((index, cur2_column_name(column)))
    map_names = sorted(set(entries) | set(existing_map))
    names = [n for _, n in plain] + map_names
    if not entries and tuple(names) == records.columns:
        return records
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise RejectedFile(f"the header gives several columns the CUR 2.0 name {', '.join(repeated)}")
    schema = pa.schema([("rn", pa.int64())] + [(n, pa.string()) for n in names])
    source = records.batches

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in source:
            arrays = [batch.column(0)] + [batch.column(i + 1) for i, _ in plain]
            for map_name in map_names:
                arrays.append(_fold(batch, entries.get(map_name, []), existing_map.get(map_name)))
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)

    records.columns = tuple(names)
    records.schema = schema
    records.batches = batches()
    return records


def _fold(batch: pa.RecordBatch, entries: list[tuple[int, str]], existing: int | None) -> pa.Array:
    """One JSON object per row from the entry columns (and a map column already present)."""
    # Column 0 of a batch is the row number, so a header's index is one less than its column's.
    values = [(key, batch.column(index + 1).to_pylist()) for index, key in entries]
    present = batch.column(existing + 1).to_pylist() if existing is not None else [None] * batch.num_rows
    objects = []
    for row in range(batch.num_rows):
        merged: dict[str, str] = {}
        if present[row]:
            try:
                merged.update(json.loads(present[row]))
            except (ValueError, TypeError):
                # Left unparsed, so the row is quarantined for its invalid map rather than guessed at.
                objects.append(present[row])
                continue
        for key, column in values:
            if column[row] not in (None, "") and key not in merged:
                merged[key] = column[row]
        objects.append(json.dumps(merged, separators=(",", ":"), sort_keys=True))
    return pa.array(objects, pa.string())


_JSON_OR_NULL = "case when json_valid({text}) then aispend_scrub({text})::json end"
_TAGS = "_tags"
_PRODUCT = "_product"
_TAG_STRUCTURE = json.dumps(dict.fromkeys(LIFTED_TAGS, "VARCHAR"))


def _money(name: str, **kwargs) -> Field:
    return Field(name, "DECIMAL(38, 18)", **kwargs)


SPEC = SourceSpec(
    name=FOLDER,
    table="aws_cur_line_items",
    description="AWS Cost and Usage Report line items (legacy CUR and CUR 2.0), one row per line item.",
    natural_key=(
        "bill_billing_period_start_date",
        "bill_payer_account_id",
        "identity_line_item_id",
        "identity_time_interval",
    ),
    reader=read_cur,
    reads=("product_product_name",),
    derived=(
        (_TAGS, f"try(json_transform(resource_tags, {sql_string(_TAG_STRUCTURE)}))"),
        (_PRODUCT, f"try(json_transform(product, {sql_string(json.dumps({'product_name': 'VARCHAR'}))}))"),
    ),
    checks=(
        (
            "line_item_line_item_type = 'Usage' "
            "and try_cast(line_item_unblended_cost as decimal(38, 18)) < 0",
            "line_item_unblended_cost is negative on a Usage line",
        ),
        (
            "line_item_line_item_type = 'Usage' and try_cast(line_item_usage_amount as decimal(38, 18)) < 0",
            "line_item_usage_amount is negative on a Usage line",
        ),
    ),
    fields=(
        Field("identity_line_item_id", "VARCHAR", required=True),
        Field("identity_time_interval", "VARCHAR"),
        Field("bill_invoice_id", "VARCHAR"),
        Field("bill_invoicing_entity", "VARCHAR"),
        Field("bill_billing_entity", "VARCHAR"),
        Field("bill_bill_type", "VARCHAR"),
        Field("bill_payer_account_id", "VARCHAR", required=True),
        Field("bill_payer_account_name", "VARCHAR"),
        Field("bill_billing_period_start_date", "TIMESTAMP", required=True),
        Field("bill_billing_period_end_date", "TIMESTAMP"),
        Field("line_item_usage_account_id", "VARCHAR"),
        Field("line_item_usage_account_name", "VARCHAR"),
        Field("line_item_line_item_type", "VARCHAR", required=True),
        Field("line_item_usage_start_date", "TIMESTAMP", required=True),
        Field("line_item_usage_end_date", "TIMESTAMP"),
        Field("line_item_product_code", "VARCHAR", required=True),
        Field("line_item_usage_type", "VARCHAR"),
        Field("line_item_operation", "VARCHAR"),
        Field("line_item_availability_zone", "VARCHAR"),
        Field("line_item_resource_id", "VARCHAR"),
        Field("line_item_iam_principal", "VARCHAR"),
        _money("line_item_usage_amount"),
        Field("line_item_currency_code", "VARCHAR"),
        _money("line_item_unblended_rate"),
        _money("line_item_unblended_cost", required=True),
        _money("line_item_blended_rate"),
        _money("line_item_blended_cost"),
        _money("line_item_net_unblended_cost"),
        Field("line_item_line_item_description", "VARCHAR"),
        Field("line_item_tax_type", "VARCHAR"),
        Field("line_item_legal_entity", "VARCHAR"),
        Field(
            "product_product_name",
            "VARCHAR",
            text=f"coalesce(product_product_name, {_PRODUCT}.product_name)",
        ),
        Field("product_servicecode", "VARCHAR"),
        Field("product_region_code", "VARCHAR"),
        Field("product_sku", "VARCHAR"),
        Field("product_product_family", "VARCHAR"),
        Field("product", "JSON", expr=_JSON_OR_NULL),
        Field("pricing_unit", "VARCHAR"),
        Field("pricing_term", "VARCHAR"),
        _money("pricing_public_on_demand_rate"),
        _money("pricing_public_on_demand_cost"),
        Field("resource_tags", "JSON", expr=_JSON_OR_NULL),
        Field("cost_category", "JSON", expr=_JSON_OR_NULL),
        *(
            Field(f"resource_tags_{tag}", "VARCHAR", key=f"resource_tags.{tag}", text=f"{_TAGS}.{tag}")
            for tag in LIFTED_TAGS
        ),
    ),
)
