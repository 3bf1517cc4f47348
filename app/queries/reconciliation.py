"""The reconciliation and data quality page's questions: estimate against bill with the gap by cause,
files loaded, rejected and quarantined, and validation results when the pipeline publishes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from app.queries import query, scope

if TYPE_CHECKING:
    from app.filters import Filters

RECONCILIATION = "marts.fct_billing_reconciliation"

# The named causes of the gap, in the order the chart and table show them, then what they leave over.
CAUSES = ("traffic_not_via_gateway_usd", "price_table_drift_usd", "cache_and_batch_pricing_usd")
REMAINDER = "rounding_usd"

# Of the money the causes move between estimate and bill, counted without sign per provider, day and
# model (so a cause pushing one way on one day cannot hide another pushing back), the part a named cause
# moves; the rest is rounding and what the data cannot explain. Null when nothing moves at all.
_EXPLAINED_SHARE = (
    "1 - sum(abs(rounding_usd))::double / nullif(sum("
    + " + ".join(f"abs({column})" for column in (*CAUSES, REMAINDER))
    + ")::double, 0)"
)
_AMOUNTS = ", ".join(
    f"sum({column})::double as {column}"
    for column in (
        "gateway_estimate_usd",
        "telemetry_estimate_usd",
        "billed_usd",
        "gap_usd",
        *CAUSES,
        REMAINDER,
    )
)


def _scope(filters: Filters) -> tuple[str, list]:
    # The comparison is per provider, day and model, before any allocation: team and workflow do not apply.
    return scope(filters, day="usage_date", provider="provider")


def reconciliation_totals(filters: Filters) -> pd.Series:
    """Over the filtered period and providers: the gateway's and the telemetry's estimates, the bill,
    the gap (billed minus the gateway's estimate), each cause of it, and the share a named cause explains."""
    where, params = _scope(filters)
    return query(
        f"""
        select
            count(*) as rows,
            {_AMOUNTS},
            {_EXPLAINED_SHARE} as explained_share
        from {RECONCILIATION}
        where {where}
        """,
        tuple(params),
    ).iloc[0]


def gap_by_provider(filters: Filters) -> pd.DataFrame:
    """Per provider over the filtered period: the gateway's estimate, each cause of the gap and the bill,
    largest bill first."""
    where, params = _scope(filters)
    return query(
        f"""
        select
            provider,
            {_AMOUNTS}
        from {RECONCILIATION}
        where {where}
        group by provider
        order by billed_usd desc, provider
        """,
        tuple(params),
    )


def monthly_reconciliation(filters: Filters) -> pd.DataFrame:
    """Per month and provider over the filtered period: gateway requests and telemetry calls, both
    estimates, the bill, the gap, its causes and the share a named cause explains."""
    where, params = _scope(filters)
    return query(
        f"""
        select
            date_trunc('month', usage_date)::date as month,
            provider,
            sum(gateway_requests)::bigint as gateway_requests,
            sum(telemetry_calls)::bigint as telemetry_calls,
            {_AMOUNTS},
            {_EXPLAINED_SHARE} as explained_share
        from {RECONCILIATION}
        where {where}
        group by all
        order by month, provider
        """,
        tuple(params),
    )


def file_loads_by_source() -> pd.DataFrame:
    """Per source folder, over every file the loader has seen: files loaded, rejected and duplicate, rows
    read, loaded and quarantined, and when its newest file loaded."""
    return query(
        """
        select
            source_name as source,
            count(*) filter (where load_status = 'loaded') as files_loaded,
            count(*) filter (where load_status = 'rejected') as files_rejected,
            count(*) filter (where load_status = 'duplicate') as files_duplicate,
            coalesce(sum(rows_read), 0)::bigint as rows_read,
            coalesce(sum(rows_loaded), 0)::bigint as rows_loaded,
            coalesce(sum(rows_quarantined), 0)::bigint as rows_quarantined,
            max(load_finished_at) filter (where load_status = 'loaded') as last_loaded_at
        from marts.fct_file_loads
        group by source_name
        order by source_name
        """
    )


def rejected_files() -> pd.DataFrame:
    """Every refused load of a file, newest first: its source, file, why it was refused, when, and whether
    the same file has loaded since (a corrected copy landed under the same name)."""
    return query(
        """
        select
            rejected.source_name as source,
            rejected.source_file as file,
            rejected.load_error as error,
            rejected.load_finished_at as rejected_at,
            exists (
                select 1 from marts.fct_file_loads as later
                where
                    later.source_file = rejected.source_file
                    and later.load_status = 'loaded'
                    and later.load_started_at > rejected.load_started_at
            ) as loaded_since
        from marts.fct_file_loads as rejected
        where rejected.load_status = 'rejected'
        order by rejected.load_finished_at desc, rejected.source_file
        """
    )


def quarantine_reasons() -> pd.DataFrame:
    """Quarantined rows counted per source and reason, most first."""
    return query(
        """
        select
            source_name as source,
            quarantine_reason as reason,
            count(*) as rows_quarantined,
            count(distinct load_id) as files
        from marts.fct_quarantined_rows
        group by all
        order by rows_quarantined desc, source, reason
        """
    )


def quarantined_rows(limit: int) -> pd.DataFrame:
    """Up to `limit` quarantined rows, newest load first: source, file, line or row number and reason."""
    return query(
        """
        select
            source_name as source,
            source_file as file,
            source_row_number as line,
            quarantine_reason as reason,
            loaded_at
        from marts.fct_quarantined_rows
        order by loaded_at desc, source_file, source_row_number
        limit ?
        """,
        (limit,),
    )


def validation_tables() -> list[tuple[str, str]]:
    """The published tables that hold data validation results (schema, table), if the pipeline
    publishes any; empty until validation runs."""
    frame = query(
        """
        select table_schema, table_name
        from information_schema.tables
        where
            table_name ilike '%validation%'
            or table_name ilike '%expectation%'
            or table_schema ilike '%validation%'
        order by table_schema, table_name
        """
    )
    return list(frame.itertuples(index=False, name=None))


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def validation_results(schema: str, table: str, limit: int) -> pd.DataFrame:
    """Up to `limit` rows of one published validation table, as the pipeline wrote them.

    The names come from the serving copy's own catalogue (`validation_tables`), never from the user,
    and are quoted as identifiers.
    """
    return query(f"select * from {_identifier(schema)}.{_identifier(table)} limit ?", (limit,))
