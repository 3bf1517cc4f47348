"""Overview: what AI cost this month and over time, by team, provider and model."""

import plotly.express as px
import streamlit as st

from app import queries
from app.format import money

st.title("AI spend overview")

if not queries.has_published_copy():
    st.info("No published warehouse yet. Run `make demo` or `aispend run` to build one.")
    st.stop()

dates = queries.spend_date_range()
if dates is None:
    st.info(
        "The warehouse holds no gateway spend yet: land LiteLLM spend logs in `landing/litellm/` "
        "and run the pipeline."
    )
    st.stop()

first_day, last_day = dates
picked = st.date_input(
    "Period", value=(first_day.date(), last_day.date()), min_value=first_day.date(), max_value=last_day.date()
)
# While a range is being picked the widget holds one date; keep the whole range until both are set.
start, end = picked if isinstance(picked, tuple) and len(picked) == 2 else (first_day.date(), last_day.date())
month_start = last_day.date().replace(day=1)

this_month = queries.spend_totals(str(month_start), str(last_day.date()))
period = queries.spend_totals(str(start), str(end))

st.caption(
    f"Gateway estimates from LiteLLM spend logs, {start:%d %b %Y} to {end:%d %b %Y}. "
    "Provider bills are reconciled separately."
)
cols = st.columns(4)
cols[0].metric(f"Spend in {month_start:%B %Y}", money(this_month["cost_usd"]))
cols[1].metric("Spend in period", money(period["cost_usd"]))
cols[2].metric("Requests in period", f"{int(period['requests']):,}")
share = period["unallocated_usd"] / period["cost_usd"] if period["cost_usd"] else 0
cols[3].metric("Unallocated share", f"{share:.1%}", help="Spend on keys that belong to no team.")

monthly = queries.monthly_spend(str(start), str(end))
st.subheader("Spend by month")
st.caption("Each bar is one month's gateway cost; hover for the exact amount and request count.")
figure = px.bar(
    monthly,
    x="month",
    y="cost_usd",
    hover_data={"requests": ":,"},
    labels={"cost_usd": "Cost (USD)", "month": ""},
)
figure.update_yaxes(tickprefix="$", tickformat=",.0f")
st.plotly_chart(figure, width="stretch")

left, right = st.columns(2)
for column, dimension, title in ((left, "team", "By team"), (right, "model", "By model")):
    frame = queries.spend_by(dimension, str(start), str(end))
    with column:
        st.subheader(title)
        st.caption(f"Gateway cost per {dimension} over the period, largest first.")
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            column_config={
                "cost_usd": st.column_config.NumberColumn("Cost (USD)", format="dollar"),
                "requests": st.column_config.NumberColumn("Requests", format="localized"),
            },
        )
