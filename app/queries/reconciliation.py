"""The reconciliation and data quality page's questions: estimate against bill with the gap by cause,
files loaded, rejected and quarantined, and what the validation step found in the loads."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from app.queries import query, scope
from orchestration.paths import data_paths

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


def validation_summary() -> pd.Series:
    """Over the validation step's results: how many it holds, and in each raw table's latest validation
    the expectations checked, the critical ones that failed and the warnings; the loads whose newest
    verdict is blocked; and when the newest validation ran."""
    return query(
        """
        select
            count(*) as results,
            count(*) filter (where is_latest) as expectations_checked,
            count(*) filter (where is_latest and outcome = 'failed') as critical_failures,
            count(*) filter (where is_latest and outcome = 'warned') as warnings,
            (
                select count(*) from marts.fct_file_loads where validation_status = 'blocked'
            ) as loads_blocked,
            max(validated_at) as last_validated_at
        from marts.fct_expectation_results
        """
    ).iloc[0]


def latest_expectations() -> pd.DataFrame:
    """Every expectation of each raw table's latest validation, failed (critical) first, then warned, then
    passed, most rows failed first: the raw table, what the expectation checks, its severity and outcome,
    rows failed with a few examples, its column, rows checked, and when it ran."""
    return query(
        """
        select
            raw_table,
            expectation_description as expectation,
            severity,
            outcome,
            rows_failed,
            failed_examples,
            column_name,
            rows_checked,
            validated_at
        from marts.fct_expectation_results
        where is_latest
        order by
            case outcome when 'failed' then 0 when 'warned' then 1 else 2 end,
            rows_failed desc,
            raw_table,
            expectation_description,
            expectation_result_id
        """
    )


def blocked_loads() -> pd.DataFrame:
    """Every load whose newest verdict is blocked, newest first: its source, file, rows held back, when it
    loaded, and whether the file has been replaced since (a later load of the same name that was not
    blocked)."""
    return query(
        """
        select
            blocked.source_name as source,
            blocked.source_file as file,
            blocked.rows_loaded as rows_held_back,
            blocked.load_finished_at as loaded_at,
            exists (
                select 1 from marts.fct_file_loads as later
                where
                    later.source_file = blocked.source_file
                    and later.load_status = 'loaded'
                    and later.validation_status in ('passed', 'warned')
                    and later.load_started_at > blocked.load_started_at
            ) as replaced_since
        from marts.fct_file_loads as blocked
        where blocked.validation_status = 'blocked'
        order by blocked.load_finished_at desc, blocked.source_file
        """
    )


def data_docs_index() -> Path:
    """Where the validation step writes Great Expectations' data docs, whether or not it has yet."""
    return data_paths().quality / "data_docs" / "index.html"
