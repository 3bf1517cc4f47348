"""Overview: what AI costs this month and over time, by team, provider and model, and how fresh it is."""

import plotly.express as px
import streamlit as st

from app import filters
from app.format import money, tile_money
from app.queries import overview as queries
from app.tables import table

st.title("AI spend overview")
picked = filters.current()

totals = queries.billed_totals(picked)
month = picked.months[1]
st.caption(
    f"Billed cost from every provider bill, seat listing and cloud export, {picked.start:%d %b %Y} to "
    f"{picked.end:%d %b %Y}. Gateway estimates are compared with bills on the Reconciliation page."
)
cols = st.columns(3)
change = totals["month_to_date_usd"] - totals["month_before_to_date_usd"]
cols[0].metric(
    f"Spend in {month:%B %Y}",
    tile_money(totals["month_to_date_usd"]),
    delta=f"{money(change)} vs the same days of the month before",
    delta_color="inverse",
)
cols[1].metric("Spend in period", tile_money(totals["billed_usd"]))
share = totals["unallocated_usd"] / totals["billed_usd"] if totals["billed_usd"] else 0.0
cols[2].metric(
    "Unallocated share",
    f"{share:.1%}",
    help="Billed cost that no credential owner, cost-allocation tag or gateway traffic ties to a team.",
)

st.subheader("Spend by month")
dimension = (
    st.segmented_control("Split by", ["team", "provider", "model"], default="team", key="overview_split")
    or "team"
)
monthly = queries.monthly_billed(picked, dimension)
st.caption(
    f"Each bar is one month's billed cost, split by {dimension}; hover for exact amounts. "
    + ("Only cost billed for a model counts: seat licences have none. " if dimension == "model" else "")
    + "The last month may be partial."
)
if monthly.empty:
    st.info("No billed cost in the selected period and filters.")
else:
    figure = px.bar(
        monthly,
        x="month",
        y="billed_usd",
        color=dimension,
        labels={"billed_usd": "Billed (USD)", "month": ""},
    )
    figure.update_yaxes(tickprefix="$", tickformat=",.0f")
    st.plotly_chart(figure, width="stretch")

money_column = st.column_config.NumberColumn("Billed (USD)", format="dollar")
share_column = st.column_config.NumberColumn("Share", format="percent")
left, middle, right = st.columns(3)
for column, by in ((left, "team"), (middle, "provider"), (right, "model")):
    with column:
        st.subheader(f"By {by}")
        st.caption(
            "Billed cost per model over the period, largest first; seat licences have no model."
            if by == "model"
            else f"Billed cost per {by} over the period, largest first."
        )
        table(
            queries.billed_by(picked, by),
            f"spend_by_{by}",
            {"billed_usd": money_column, "share": share_column},
        )

st.subheader("Data freshness")
published = queries.last_publish()
st.caption(
    "The newest day each source's data covers and when its newest file loaded. "
    + (
        f"Last successful pipeline run published this copy at {published:%d %b %Y %H:%M} UTC."
        if published
        else ""
    )
)
table(
    queries.source_freshness(),
    "data_freshness",
    {
        "source": st.column_config.TextColumn("Source"),
        "data_through": st.column_config.DateColumn("Data through"),
        "last_loaded_at": st.column_config.DatetimeColumn("Newest file loaded (UTC)"),
        "files_loaded": st.column_config.NumberColumn("Files loaded"),
        "files_rejected": st.column_config.NumberColumn("Files rejected"),
        "rows_quarantined": st.column_config.NumberColumn("Rows quarantined"),
    },
    height="content",
)
