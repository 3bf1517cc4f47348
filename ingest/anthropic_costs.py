"""Anthropic Admin API cost report: what Anthropic bills, per day, workspace and line description.

Files in `anthropic_costs/` are GET /v1/organizations/cost_report responses as fetched: one page,
JSON Lines of pages or a JSON array of pages, gzip or not (see `ingest.anthropic_pages`), best
named by pull time (for example `cost_report_2026-10-31T0600Z.json`) so they sort and load in pull
order. Buckets are one UTC day; a day is delivered again by every pull that covers it, so raw
keeps every delivery and `int_anthropic_costs_cost_items_deduplicated` keeps the newest.

One raw row per result of a bucket, with the bucket's `starting_at` and `ending_at`; an empty
bucket is one row with `is_empty_bucket`. `amount` is a decimal string in the lowest currency unit
(cents for USD: "123.45" is $1.2345); raw keeps that value exactly as DECIMAL(38, 18), scientific
notation and JSON numbers included, and staging converts it to dollars once. `currency`
is "USD" in every documented response. `description` (for example "Claude Sonnet 4 Usage - Input
Tokens") and the fields parsed from it (`cost_type`, `token_type`, `model`, `service_tier`,
`context_window`, `inference_geo`) are NULL when the pull did not group by description;
`workspace_id` is NULL when not grouped and for the default workspace. Descriptions are scrubbed
of anything that looks like a secret.

A result without `amount` or `currency`, with an amount that is not a number or is negative, or
with a bucket time that is not RFC 3339, is quarantined with its reason. Priority Tier costs are
not in this report (Anthropic's documentation says so); they are visible only as usage with
`service_tier = 'priority'` in `anthropic_usage`.
"""

from __future__ import annotations

from ingest.anthropic_pages import cost_report_pages
from ingest.anthropic_usage import rfc3339_check
from ingest.spec import Field, SourceSpec

FOLDER = "anthropic_costs"

SPEC = SourceSpec(
    name=FOLDER,
    table="anthropic_costs_cost_report",
    description=(
        "Anthropic cost report: billed amounts in cents per day, workspace and line description "
        "(model, token type, service tier), one row per result of each pull."
    ),
    natural_key=(
        "starting_at",
        "workspace_id",
        "description",
        "cost_type",
        "token_type",
        "model",
        "service_tier",
        "context_window",
        "inference_geo",
    ),
    reader=cost_report_pages,
    checks=(
        rfc3339_check("starting_at"),
        rfc3339_check("ending_at"),
        # An empty bucket's record (it carries `results`) has no amount of its own.
        ('"results" is null and "amount" is null', "missing required field amount"),
        ('"results" is null and "currency" is null', "missing required field currency"),
    ),
    fields=(
        Field("starting_at", "VARCHAR", required=True),
        Field("ending_at", "VARCHAR"),
        Field("is_empty_bucket", "BOOLEAN", key="results", expr="({text} is not null)", checked=False),
        Field("workspace_id", "VARCHAR"),
        Field("description", "VARCHAR", expr="aispend_scrub({text})"),
        Field("cost_type", "VARCHAR"),
        Field("token_type", "VARCHAR"),
        Field("model", "VARCHAR"),
        Field("service_tier", "VARCHAR"),
        Field("context_window", "VARCHAR"),
        Field("inference_geo", "VARCHAR"),
        Field("amount", "DECIMAL(38, 18)", non_negative=True),
        Field("currency", "VARCHAR"),
    ),
)
