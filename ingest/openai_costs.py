"""OpenAI organisation costs: results of the Admin API's Costs endpoint, one row per result.

Formats accepted (see `ingest.openai_pages`):

- API pages of `GET /v1/organization/costs` as returned (one page, a JSON array of pages or JSON
  Lines of pages): daily buckets of `organization.costs.result`, each with `amount.value` in
  dollars as a JSON number and `amount.currency` in lower case ("usd"), and, when the request
  grouped by them, `line_item` (the billed SKU, "gpt-4.1-mini, cached input"), `project_id` and
  `api_key_id`, with `quantity` and `quantity_unit` (tokens, 1000_tokens, images, ...). Results may
  carry an undocumented `organization_id`; it is kept.
- The cost dashboard's CSV/TSV export: `start_time, end_time, start_time_iso, end_time_iso,
  amount_value, amount_currency, line_item, project_id, organization_id, organization_name`.

What is kept: the bucket's `start_time` and `end_time` as epoch seconds, the amount and quantity as
DECIMAL(38, 18) cast from the number's text (so "1.46E-8" stays exactly 0.0000000146; a JSON page's
number arrives at the double precision the API serialised it with), the currency as sent, every
grouping dimension (NULL when not grouped by, not "unknown"), and the organisation columns.
`amount` is flattened to `amount_value` and `amount_currency`, the export's names. Dropped: the
export's ISO copies of the bucket times. Empty buckets give no rows. Dollars stay dollars here;
staging names the currency. `api_key_id` (an id, `key_...`) and the free-text `organization_name`
are scrubbed of anything that looks like a secret.

Rows are unloadable when the bucket times, the amount or its currency are missing, the amount or
quantity is negative or not a number, the bucket ends before it starts, or the object is not a costs
result (a usage page landed in the wrong folder).
"""

from __future__ import annotations

from pathlib import Path

from ingest import openai_pages
from ingest.records import Records
from ingest.spec import Field, SourceSpec

FOLDER = "openai_costs"
COSTS_OBJECT = "organization.costs.result"
# The export fills these for a bucket without costs too.
_KEPT_WHEN_EMPTY = (*openai_pages.BUCKET_COLUMNS, "organization_id", "organization_name")


# An id and a name, never secrets; a key pasted there is redacted all the same.
_SCRUBBED = "aispend_scrub({text})"


def _cost_record(result: dict) -> dict:
    """A costs result with its amount flattened to the export's column names."""
    record = dict(result)
    amount = record.pop("amount", None)
    if isinstance(amount, dict):
        rest = dict(amount)
        record["amount_value"] = openai_pages.number_text(rest.pop("value", None))
        record["amount_currency"] = rest.pop("currency", None)
        if rest:
            record["amount"] = rest
    elif amount is not None:
        record["amount"] = amount
    if "quantity" in record:
        record["quantity"] = openai_pages.number_text(record["quantity"])
    return record


def _flatten(document: object):
    return openai_pages.bucket_results(document, _cost_record)


def _export(path: Path) -> Records:
    return openai_pages.dashboard_export(path, _KEPT_WHEN_EMPTY)


SPEC = SourceSpec(
    name=FOLDER,
    table="openai_costs_results",
    description="OpenAI Admin API cost results, one row per result of a daily bucket.",
    natural_key=("start_time", "project_id", "line_item", "api_key_id"),
    reader=openai_pages.reader(_flatten, _export),
    dropped_keys=("start_time_iso", "end_time_iso"),
    checks=(
        (
            f"object is not null and object <> '{COSTS_OBJECT}'",
            f"object is not an OpenAI costs result ({COSTS_OBJECT})",
        ),
        (
            "try_cast(end_time as double) <= try_cast(start_time as double)",
            "bucket end_time is not after its start_time",
        ),
    ),
    fields=(
        Field("object", "VARCHAR"),
        Field("start_time", "BIGINT", required=True, non_negative=True),
        Field("end_time", "BIGINT", required=True, non_negative=True),
        Field("amount_value", "DECIMAL(38, 18)", required=True, non_negative=True),
        Field("amount_currency", "VARCHAR", required=True),
        Field("line_item", "VARCHAR"),
        Field("project_id", "VARCHAR"),
        Field("api_key_id", "VARCHAR", expr=_SCRUBBED),
        Field("quantity", "DECIMAL(38, 18)", non_negative=True),
        Field("quantity_unit", "VARCHAR"),
        Field("organization_id", "VARCHAR"),
        Field("organization_name", "VARCHAR", expr=_SCRUBBED),
    ),
)
