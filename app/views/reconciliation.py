"""Reconciliation and data quality: the gateway's estimate against the provider's bill with the gap by
cause, what the loader loaded, refused and quarantined, and what the validation step found in the loads."""

import math

import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from app import filters
from app.format import money, tile_money
from app.queries import reconciliation as queries
from app.tables import table

# Enough to read and fix, few enough for the browser; the counts per reason cover every row.
ROW_LIMIT = 10_000

STEPS = {
    "gateway_estimate_usd": "Gateway estimate",
    "traffic_not_via_gateway_usd": "Not via the gateway",
    "price_table_drift_usd": "Price-table drift",
    "cache_and_batch_pricing_usd": "Cache and batch pricing",
    "rounding_usd": "Rounding and unexplained",
    "billed_usd": "Billed",
}
CAUSE_HELP = {
    "Not via the gateway": (
        "Billed on credentials that are not the gateway's: teams calling the provider directly."
    ),
    "Price-table drift": (
        "The gateway priced its own tokens from its price table; this is what that table differs from the "
        "provider's list price of the day (negative when the gateway still holds a price the provider cut)."
    ),
    "Cache and batch pricing": (
        "Cache writes the gateway priced differently from the provider, and the Batch API discount on calls "
        "the gateway priced at the standard rate."
    ),
    "Rounding and unexplained": (
        "What the named causes leave of the gap: provider rounding, and anything the data cannot explain "
        "(gateway calls never logged). Large values deserve a look."
    ),
}


def _money_column(label: str, help_text: str | None = None):
    return st.column_config.NumberColumn(label, format="dollar", help=help_text)


def _waterfalls(by_provider) -> go.Figure:
    """One horizontal waterfall per provider, from the gateway's estimate through each cause to the bill."""
    providers = by_provider["provider"].tolist()
    columns = min(2, len(providers))
    rows = math.ceil(len(providers) / columns)
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=providers,
        horizontal_spacing=0.22,
        vertical_spacing=0.25 / rows,
    )
    labels = list(STEPS.values())
    for index, row in enumerate(by_provider.itertuples(index=False)):
        amounts = [getattr(row, column) for column in STEPS]
        figure.add_trace(
            go.Waterfall(
                orientation="h",
                y=labels,
                x=amounts,
                measure=["absolute", "relative", "relative", "relative", "relative", "total"],
                text=[money(amount) for amount in amounts],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra>" + row.provider + "</extra>",
                increasing={"marker": {"color": "#d62728"}},
                decreasing={"marker": {"color": "#2ca02c"}},
                totals={"marker": {"color": "#1f77b4"}},
                connector={"line": {"color": "#b0b0b0"}},
                showlegend=False,
            ),
            row=index // columns + 1,
            col=index % columns + 1,
        )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(tickprefix="$", tickformat=",.2f", rangemode="tozero")
    figure.update_layout(height=300 * rows + 40, margin={"l": 10, "r": 60, "t": 40, "b": 10})
    return figure


st.title("Reconciliation and data quality")
picked = filters.current()
st.caption(
    "Whether the numbers can be trusted: what the LiteLLM gateway estimated against what each provider "
    "billed, why the two differ, what the loader refused or set aside on the way in, and what validation "
    "found in what it let through."
)

st.header("Gateway estimate against the provider bill")
st.caption(
    f"Per provider, {picked.start:%d %b %Y} to {picked.end:%d %b %Y}. The period and provider filters apply; "
    "team and workflow filters do not, because the bill is compared with the estimate per provider, day and "
    "model, before any cost is allocated to a team."
)
totals = queries.reconciliation_totals(picked)
if not totals["rows"]:
    st.info(
        "No gateway estimate or provider bill in the selected period and providers. Land provider cost "
        "exports and LiteLLM spend logs in the landing folder and run the pipeline (`aispend run`)."
    )
else:
    cols = st.columns(4)
    cols[0].metric("Billed", tile_money(totals["billed_usd"]), help="What the providers' bills charged.")
    cols[1].metric(
        "Gateway estimate",
        tile_money(totals["gateway_estimate_usd"]),
        help="What the LiteLLM gateway's own price table made of the calls it logged.",
    )
    cols[2].metric(
        "Gap",
        tile_money(totals["gap_usd"]),
        help="Billed minus the gateway's estimate: positive when the bill is higher.",
    )
    share = totals["explained_share"]
    cols[3].metric(
        "Gap explained",
        "-" if share != share else f"{share:.1%}",
        help=(
            "Of the money the causes move between estimate and bill (counted without sign per provider, "
            "day and model), the share moved by a named cause: traffic not via the gateway, price-table "
            "drift, or cache and batch pricing. The rest is rounding and unexplained."
        ),
    )

    st.subheader("From estimate to bill, by cause")
    st.caption(
        "Each panel starts at the gateway's estimate, adds each cause (red raises the bill, green lowers it) "
        "and ends at the bill; each panel has its own scale."
    )
    st.plotly_chart(_waterfalls(queries.gap_by_provider(picked)), width="stretch")
    with st.expander("What the causes mean"):
        for cause, meaning in CAUSE_HELP.items():
            st.markdown(f"**{cause}**: {meaning}")

    st.subheader("By provider and month")
    st.caption(
        "One row per provider and month; the causes add up to the gap, and the gap to billed minus the "
        "gateway's estimate. The telemetry estimate (OpenTelemetry tokens at list price) shows None "
        "where no service reports telemetry."
    )
    table(
        queries.monthly_reconciliation(picked),
        "billing_reconciliation",
        {
            "month": st.column_config.DateColumn("Month", format="MMM YYYY", pinned=True),
            "provider": st.column_config.TextColumn("Provider", pinned=True),
            "gateway_requests": st.column_config.NumberColumn("Gateway requests", format="localized"),
            "telemetry_calls": st.column_config.NumberColumn("Telemetry calls", format="localized"),
            "gateway_estimate_usd": _money_column("Gateway estimate"),
            "telemetry_estimate_usd": _money_column("Telemetry estimate"),
            "billed_usd": _money_column("Billed"),
            "gap_usd": _money_column("Gap", "Billed minus the gateway's estimate."),
            **{
                column: _money_column(STEPS[column], CAUSE_HELP[STEPS[column]])
                for column in (*queries.CAUSES, queries.REMAINDER)
            },
            "explained_share": st.column_config.NumberColumn("Gap explained", format="percent"),
        },
    )

st.header("Files loaded, rejected and quarantined")
st.caption(
    "Every file the loader has seen, whenever it landed: the global filters do not apply here. A rejected "
    "file was refused whole and none of it reached the warehouse; a quarantined row was kept out while the "
    "rest of its file loaded; a duplicate is a file whose exact content had already loaded."
)
by_source = queries.file_loads_by_source()
if by_source.empty:
    st.info(
        "No file has been loaded yet. Land files in the landing folder and run the pipeline (`aispend run`)."
    )
else:
    cols = st.columns(4)
    cols[0].metric("Files loaded", f"{by_source['files_loaded'].sum():,}")
    cols[1].metric("Files rejected", f"{by_source['files_rejected'].sum():,}")
    cols[2].metric("Duplicate files", f"{by_source['files_duplicate'].sum():,}")
    cols[3].metric("Rows quarantined", f"{by_source['rows_quarantined'].sum():,}")

    st.subheader("By source")
    st.caption("Files and rows per landing folder; rows read are rows loaded plus rows quarantined.")
    table(
        by_source,
        "file_loads_by_source",
        {
            "source": st.column_config.TextColumn("Source"),
            "files_loaded": st.column_config.NumberColumn("Files loaded", format="localized"),
            "files_rejected": st.column_config.NumberColumn("Files rejected", format="localized"),
            "files_duplicate": st.column_config.NumberColumn("Duplicate files", format="localized"),
            "rows_read": st.column_config.NumberColumn("Rows read", format="localized"),
            "rows_loaded": st.column_config.NumberColumn("Rows loaded", format="localized"),
            "rows_quarantined": st.column_config.NumberColumn("Rows quarantined", format="localized"),
            "last_loaded_at": st.column_config.DatetimeColumn("Newest file loaded (UTC)"),
        },
        height="content",
    )

    st.subheader("Rejected files")
    rejected = queries.rejected_files()
    if rejected.empty:
        st.success("No rejected files: every landed file loaded or was a duplicate of one that had.")
    else:
        st.caption(
            "Each refused file with the loader's reason, newest first. Fix the file and land it again; "
            "'Loaded since' shows which have been."
        )
        table(
            rejected,
            "rejected_files",
            {
                "source": st.column_config.TextColumn("Source"),
                "file": st.column_config.TextColumn("File"),
                "error": st.column_config.TextColumn("Why it was rejected", width="large"),
                "rejected_at": st.column_config.DatetimeColumn("Rejected at (UTC)"),
                "loaded_since": st.column_config.CheckboxColumn("Loaded since"),
            },
        )

    st.subheader("Quarantined rows")
    reasons = queries.quarantine_reasons()
    if reasons.empty:
        st.success("No quarantined rows: every row of every loaded file reached the warehouse.")
    else:
        st.caption("How many rows each reason kept out, per source, most first.")
        table(
            reasons,
            "quarantine_reasons",
            {
                "source": st.column_config.TextColumn("Source"),
                "reason": st.column_config.TextColumn("Reason", width="large"),
                "rows_quarantined": st.column_config.NumberColumn("Rows", format="localized"),
                "files": st.column_config.NumberColumn("Files", format="localized"),
            },
        )
        rows = queries.quarantined_rows(ROW_LIMIT)
        total = int(reasons["rows_quarantined"].sum())
        st.caption(
            "Each row kept out, with its file and line (a CSV's header is line 1), newest load first. "
            "The row's content is not published."
            + (f" Showing the newest {ROW_LIMIT:,} of {total:,}." if total > len(rows) else "")
        )
        table(
            rows,
            "quarantined_rows",
            {
                "source": st.column_config.TextColumn("Source"),
                "file": st.column_config.TextColumn("File"),
                "line": st.column_config.NumberColumn("Line or row", format="%d"),
                "reason": st.column_config.TextColumn("Reason", width="large"),
                "loaded_at": st.column_config.DatetimeColumn("Loaded at (UTC)"),
            },
        )

st.header("Validation results")
st.caption(
    "What the validation step (Great Expectations) found in each batch of newly loaded files, whenever it "
    "ran: the global filters do not apply here. A critical expectation that fails blocks the loads it "
    "failed in, whose rows then stay out of every number on the dashboard until the file is replaced; a "
    "warning is recorded and the rows are used."
)
summary = queries.validation_summary()
if not summary["results"]:
    st.info(
        "No validation has run yet. The pipeline (`aispend run`) checks every newly loaded file against "
        "its raw table's expectations, and its results appear here."
    )
else:
    cols = st.columns(4)
    cols[0].metric(
        "Expectations checked",
        f"{summary['expectations_checked']:,}",
        help="In the latest validation of each raw table.",
    )
    cols[1].metric(
        "Critical failures",
        f"{summary['critical_failures']:,}",
        help="Critical expectations that failed in the latest validation of each raw table.",
    )
    cols[2].metric(
        "Warnings",
        f"{summary['warnings']:,}",
        help="Warning expectations that failed in the latest validation of each raw table.",
    )
    cols[3].metric(
        "Loads blocked",
        f"{summary['loads_blocked']:,}",
        help=(
            "Loads a critical expectation blocked, whenever they loaded: their rows are left out of every "
            "model. The blocked loads table below says which files have been replaced since."
        ),
    )

    if not summary["critical_failures"] and not summary["warnings"]:
        st.success("Every expectation held in the latest validation of each raw table.")

    st.subheader("Latest validation of each raw table")
    st.caption(
        "One row per expectation, failed and warned first: rows failed counts the rows that broke it, "
        "and the examples give a few of them by file and line so the file can be fixed and landed again. "
        f"Newest validation: {summary['last_validated_at']:%d %b %Y %H:%M} UTC."
    )
    table(
        queries.latest_expectations(),
        "expectation_results",
        {
            "raw_table": st.column_config.TextColumn("Raw table", pinned=True),
            "expectation": st.column_config.TextColumn("Expectation", width="medium"),
            "severity": st.column_config.TextColumn("Severity"),
            "outcome": st.column_config.TextColumn("Outcome"),
            "rows_failed": st.column_config.NumberColumn("Rows failed", format="localized"),
            "failed_examples": st.column_config.TextColumn("Examples", width="large"),
            "column_name": st.column_config.TextColumn("Column"),
            "rows_checked": st.column_config.NumberColumn("Rows checked", format="localized"),
            "validated_at": st.column_config.DatetimeColumn("Validated at (UTC)"),
        },
    )

    if summary["loads_blocked"]:
        st.subheader("Blocked loads")
        st.caption(
            "Files a critical expectation failed in, newest first: none of their rows are used, and the "
            "pipeline stops before the build while one is still in the landing folder. Fix the file and "
            "land it again under the same name; 'Replaced since' shows which have been."
        )
        table(
            queries.blocked_loads(),
            "blocked_loads",
            {
                "source": st.column_config.TextColumn("Source"),
                "file": st.column_config.TextColumn("File"),
                "rows_held_back": st.column_config.NumberColumn("Rows held back", format="localized"),
                "loaded_at": st.column_config.DatetimeColumn("Loaded at (UTC)"),
                "replaced_since": st.column_config.CheckboxColumn("Replaced since"),
            },
        )

docs = queries.data_docs_index()
if docs.exists():
    st.caption(
        f"Great Expectations' data docs, each suite's latest results in full: [`{docs}`]({docs.as_uri()})"
    )
else:
    st.caption(
        f"Great Expectations' data docs, each suite's latest results in full, are written to `{docs}`."
    )
