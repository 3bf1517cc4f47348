"""Jevons: why the bill grows while prices fall. Price, quantity and spend indices on one chart, the
month's price, volume and mix waterfall, the elasticity of volume to price per tier, and tokens per task."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from app import filters
from app.format import money, tile_money
from app.queries import jevons as queries
from app.tables import table

PRICE_COLOUR = "#1f77b4"
QUANTITY_COLOUR = "#ff7f0e"
SPEND_COLOUR = "#2f2f2f"
RISE_COLOUR = "#d62728"
FALL_COLOUR = "#2ca02c"
TOTAL_COLOUR = "#7f7f7f"
TIER_KEY = "jevons_tier"
MONTH_KEY = "jevons_month"
TIER_NAMES = {
    "all": "All models",
    "frontier": "Frontier",
    "balanced": "Balanced",
    "small": "Small",
    "unknown": "No tier",
}
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def _tier_name(tier: str) -> str:
    return TIER_NAMES.get(tier, tier)


def _change(index_value: float) -> str:
    return "-" if pd.isna(index_value) else f"{index_value / 100 - 1:+.1%}"


def _signed(amount: float) -> str:
    return ("+" if amount >= 0 else "") + money(amount)


def _month_labels(months: pd.Series) -> pd.Series:
    # Months as labels on a category axis: a single month would otherwise get a time-of-day axis.
    return pd.to_datetime(months).dt.strftime("%b %Y")


st.title("Jevons: why the bill grows while prices fall")
picked = filters.current()
first_month, last_month = picked.months
months_text = (
    f"{first_month:%B %Y}" if first_month == last_month else f"{first_month:%B %Y} to {last_month:%B %Y}"
)
st.caption(
    f"Every model's tokens at the catalogue's list price, from the providers' usage reports and the cloud "
    f"bills' token lines, {months_text} (every month the period touches, counted whole). **The team and "
    "provider filters do not apply to the prices, volumes and elasticities**: they are company-wide. The "
    "team and workflow filters apply to tokens per task."
)

tiers = queries.tiers()
if not tiers:
    st.info(
        "No token usage with a list price yet. This page needs the providers' usage reports (OpenAI, "
        "Anthropic) or cloud bills with token lines (Bedrock, Azure OpenAI) in the landing folder; land "
        "them and run the pipeline (`aispend run`)."
    )
    st.stop()

tier = (
    st.segmented_control(
        "Capability tier",
        tiers,
        default="all",
        format_func=_tier_name,
        key=TIER_KEY,
        help="The models of one capability tier, or all models together (where a move between tiers "
        "is mix). Applies to the indices and the waterfall.",
    )
    or "all"
)

# Prices, volumes and spend ----------------------------------------------------------------------------
st.subheader("Prices, usage and spend")
months = queries.tier_months(picked, tier)
if months.empty:
    st.info(
        f"No priced token usage for {_tier_name(tier).lower()} in {months_text}. Widen the period or pick "
        "another tier."
    )
else:
    first, last = months.iloc[0], months.iloc[-1]
    span = f"{first['month']:%B %Y} to {last['month']:%B %Y}"
    st.caption(
        f"Change from {span}."
        if len(months) > 1
        else f"Only {first['month']:%B %Y} in the period: pick two months or more to see a change."
    )
    cols = st.columns(4)
    cols[0].metric(
        "Price index",
        _change(last["price_index"]),
        help="Chained Fisher price index: how the prices of the same models moved, weighted by their "
        "tokens. Moving work to a cheaper model is not a price fall here; it is less quantity.",
    )
    cols[1].metric(
        "Quantity index",
        _change(last["quantity_index"]),
        help="Usage at constant prices: tokens weighted by what they cost (spend index / price index).",
    )
    cols[2].metric("Spend", _change(last["spend_index"]), help="Spend of the last month against the first.")
    cols[3].metric(
        f"Spend in {last['month']:%B %Y}",
        tile_money(last["spend_usd"]),
        delta=f"{_signed(last['spend_usd'] - first['spend_usd'])} vs {first['month']:%B %Y}",
        delta_color="inverse",
    )

    labels = _month_labels(months["month"])
    figure = go.Figure(
        [
            go.Scatter(
                name="Price index",
                x=labels,
                y=months["price_index"],
                mode="lines+markers",
                line_color=PRICE_COLOUR,
                customdata=months[["blended_price_usd_per_mtok"]],
                hovertemplate="%{y:.1f} (blended price %{customdata[0]:$,.2f} per million tokens)",
            ),
            go.Scatter(
                name="Quantity index",
                x=labels,
                y=months["quantity_index"],
                mode="lines+markers",
                line_color=QUANTITY_COLOUR,
                customdata=months[["total_tokens"]],
                hovertemplate="%{y:.1f} (%{customdata[0]:,} tokens)",
            ),
            go.Scatter(
                name="Spend index",
                x=labels,
                y=months["spend_index"],
                mode="lines+markers",
                line={"color": SPEND_COLOUR, "width": 3},
                customdata=months[["spend_usd"]],
                hovertemplate="%{y:.1f} (%{customdata[0]:$,.2f})",
            ),
        ]
    )
    figure.add_hline(y=100, line_dash="dot", line_color=TOTAL_COLOUR)
    figure.update_layout(
        title=f"{_tier_name(tier)}: indices, {first['month']:%B %Y} = 100",
        legend={"orientation": "h", "y": -0.12, "traceorder": "normal"},
        margin=MARGIN,
        hovermode="x unified",
    )
    figure.update_yaxes(title_text=f"Index ({first['month']:%b %Y} = 100)", tickformat=",.0f")
    figure.update_xaxes(type="category", title=None)
    st.plotly_chart(figure, width="stretch", key="jevons_indices")
    st.caption(
        "All three lines start at 100: when prices (blue) fall but usage at constant prices (orange) "
        "grows faster, spend (black, price x quantity / 100) grows, which is the Jevons effect."
    )
    partial = months[~months["is_complete_month"]]
    if not partial.empty:
        st.caption(
            "Partial months, whose spend and quantity read low: "
            + ", ".join(
                f"{row.month:%B %Y} ({row.days_with_data} of {row.days_in_month} days)"
                for row in partial.itertuples()
            )
            + "."
        )
    with st.expander("Month by month figures"):
        table(
            months.drop(columns=["days_in_month", "is_complete_month"]),
            f"jevons_{tier}_months",
            {
                "month": st.column_config.DateColumn("Month", format="MMM YYYY"),
                "days_with_data": st.column_config.NumberColumn("Days with data"),
                "models_used": st.column_config.NumberColumn("Models used"),
                "total_tokens": st.column_config.NumberColumn("Tokens", format="localized"),
                "spend_usd": st.column_config.NumberColumn("Spend", format="dollar"),
                "blended_price_usd_per_mtok": st.column_config.NumberColumn(
                    "Blended price per million tokens", format="dollar", help="Spend / tokens x 1,000,000."
                ),
                "price_index": st.column_config.NumberColumn(
                    "Price index", format="%.1f", help=f"{first['month']:%b %Y} = 100."
                ),
                "quantity_index": st.column_config.NumberColumn(
                    "Quantity index", format="%.1f", help=f"{first['month']:%b %Y} = 100."
                ),
                "spend_index": st.column_config.NumberColumn(
                    "Spend index", format="%.1f", help=f"{first['month']:%b %Y} = 100."
                ),
                "price_index_since_start": st.column_config.NumberColumn(
                    "Price index (first month of data = 100)", format="%.1f"
                ),
                "quantity_index_since_start": st.column_config.NumberColumn(
                    "Quantity index (first month of data = 100)", format="%.1f"
                ),
                "spend_index_since_start": st.column_config.NumberColumn(
                    "Spend index (first month of data = 100)", format="%.1f"
                ),
            },
            height="content",
        )

# Price, volume and mix --------------------------------------------------------------------------------
st.subheader("What moved the bill: price, volume and mix")
options = queries.waterfall_months(picked, tier)
if not options:
    st.info(
        f"No month in {months_text} has a month before it with data for {_tier_name(tier).lower()}: the "
        "first month of data has nothing to compare with. Widen the period."
    )
else:
    # The newest month unless the user picked one that the period still holds.
    if st.session_state.get(MONTH_KEY) not in options:
        st.session_state[MONTH_KEY] = options[0]
    chosen = st.selectbox("Month", options, format_func=lambda month: f"{month:%B %Y}", key=MONTH_KEY)
    effects = queries.month_effects(tier, chosen)
    before, after = f"{effects['previous_month']:%B %Y}", f"{effects['month']:%B %Y}"
    steps = pd.DataFrame(
        {
            "step": [f"Spend in {before}", "Price", "Volume", "Mix", f"Spend in {after}"],
            "amount_usd": [
                effects["previous_spend_usd"],
                effects["price_effect_usd"],
                effects["volume_effect_usd"],
                effects["mix_effect_usd"],
                effects["spend_usd"],
            ],
            "meaning": [
                "What the tier's tokens cost the month before.",
                "The same models at their new prices: each model's price change times its tokens "
                "(the two months' average).",
                "More or fewer tokens, at the tier's average price per token over the two months.",
                "Tokens moving between cheaper and dearer models, models started or stopped included.",
                "What the tier's tokens cost this month.",
            ],
        }
    )
    left, right = st.columns([3, 2])
    with left:
        figure = go.Figure(
            go.Waterfall(
                x=steps["step"],
                y=steps["amount_usd"],
                measure=["absolute", "relative", "relative", "relative", "total"],
                text=[money(amount) for amount in steps["amount_usd"]],
                textposition="outside",
                increasing={"marker": {"color": RISE_COLOUR}},
                decreasing={"marker": {"color": FALL_COLOUR}},
                totals={"marker": {"color": TOTAL_COLOUR}},
                connector={"line": {"color": "#bbbbbb"}},
                hovertemplate="%{x}: %{y:$,.2f}<extra></extra>",
            )
        )
        figure.update_layout(
            title=f"{_tier_name(tier)}: {before} to {after}", margin=MARGIN, showlegend=False
        )
        figure.update_yaxes(tickprefix="$", tickformat=",.2f", rangemode="tozero")
        st.plotly_chart(figure, width="stretch", key="jevons_waterfall")
        st.caption(
            "From last month's spend (left) each step adds what changed it, red raising the bill and "
            "green lowering it, to reach this month's spend (right)."
        )
    with right:
        table(
            steps,
            f"jevons_{tier}_{effects['month']:%Y_%m}_price_volume_mix",
            {
                "step": st.column_config.TextColumn("Step"),
                "amount_usd": st.column_config.NumberColumn("Amount (USD)", format="dollar"),
            },
            height="content",
            # The meanings are in the caption below; the download keeps them beside the amounts.
            column_order=["step", "amount_usd"],
        )
        st.caption(
            f"Spend went from {money(effects['previous_spend_usd'])} to {money(effects['spend_usd'])} "
            f"({_signed(effects['spend_change_usd'])}): price {_signed(effects['price_effect_usd'])}, "
            f"volume {_signed(effects['volume_effect_usd'])}, mix {_signed(effects['mix_effect_usd'])}; "
            "the three add up to the change exactly (shown to the cent). Tokens went from "
            f"{effects['previous_total_tokens'] / 1e6:,.1f} million to {effects['total_tokens'] / 1e6:,.1f} "
            "million and the blended price from "
            f"{money(effects['previous_blended_price_usd_per_mtok'])} to "
            f"{money(effects['blended_price_usd_per_mtok'])} per million tokens; "
            f"{effects['models_continuing']} models used in both months, {effects['models_entering']} "
            f"started, {effects['models_leaving']} stopped."
            + (
                ""
                if effects["is_complete_month"]
                else f" {after} is partial ({effects['days_with_data']} of {effects['days_in_month']} "
                "days), so its volume reads low."
            )
        )
        st.caption(
            "  \n".join(
                f"**{step}**: {meaning}"
                for step, meaning in zip(steps["step"][1:4], steps["meaning"][1:4], strict=True)
            )
        )

# Elasticity -------------------------------------------------------------------------------------------
st.subheader("Does usage rise when prices fall? Elasticity per tier")
fits = queries.elasticities()
if fits.empty:
    st.info("No elasticity estimates yet: the pipeline fits them once the tier marts hold complete months.")
else:
    fitted = fits.dropna(subset=["first_month"])
    fit_span = (
        f" from {fitted['first_month'].min():%B %Y} to {fitted['last_month'].max():%B %Y}"
        if not fitted.empty
        else ""
    )
    st.caption(
        "Elasticity is the % change in usage that went with a 1% change in price: below -1, usage grew "
        "faster than prices fell, so cheaper tokens raised spend (Jevons); between -1 and 0, usage grew "
        "but spend fell; 0 or above, no Jevons effect. r² says how closely the months follow that line "
        "(1 = exactly). It is an association over time (more work also drives usage), not a causal "
        f"estimate, fitted over all complete months{fit_span}, whatever the period picked."
    )
    table(
        fits.assign(tier=fits["tier"].map(_tier_name)),
        "jevons_elasticities",
        {
            "tier": st.column_config.TextColumn("Tier"),
            "elasticity": st.column_config.NumberColumn("Elasticity", format="%.2f"),
            "r_squared": st.column_config.NumberColumn("r²", format="%.2f"),
            "months_used": st.column_config.NumberColumn("Months used"),
            "first_month": st.column_config.DateColumn("From", format="MMM YYYY"),
            "last_month": st.column_config.DateColumn("To", format="MMM YYYY"),
            "price_index_change_pct": st.column_config.NumberColumn("Price index change", format="%+.1f%%"),
            "quantity_index_change_pct": st.column_config.NumberColumn(
                "Quantity index change", format="%+.1f%%"
            ),
            "note": st.column_config.TextColumn("In words", width="large"),
        },
        height="content",
        row_height=96,
        # The fitted months are in the caption; the download keeps them.
        column_order=[
            "tier",
            "elasticity",
            "r_squared",
            "months_used",
            "price_index_change_pct",
            "quantity_index_change_pct",
            "note",
        ],
    )

# Tokens per task --------------------------------------------------------------------------------------
st.subheader("Do tasks need more tokens as prices fall?")
per_task = queries.tokens_per_task(picked)
without = queries.workflows_without_tokens(picked)
if per_task.empty:
    st.info(
        f"No workflow in the filters has tasks with call-level tokens in {months_text}. Tokens per task "
        "come from the gateway's calls tagged with a task; widen the filters or land gateway logs "
        "(`litellm` in the landing folder) and task outcomes, and run the pipeline (`aispend run`)."
    )
else:
    figure = px.line(
        per_task.assign(month=_month_labels(per_task["month"])),
        x="month",
        y="tokens_per_task",
        color="workflow",
        markers=True,
        labels={"tokens_per_task": "Tokens per task", "month": "", "workflow": "Workflow"},
        custom_data=["tasks_with_call_data"],
    )
    figure.update_traces(hovertemplate="%{y:,.0f} tokens per task over %{customdata[0]:,} tasks")
    figure.update_layout(
        title="Tokens per task", legend={"title": None}, margin=MARGIN, hovermode="x unified"
    )
    figure.update_yaxes(tickformat=",.0f", rangemode="tozero")
    figure.update_xaxes(type="category", categoryorder="trace", title=None)
    st.plotly_chart(figure, width="stretch", key="jevons_tokens_per_task")
    st.caption(
        "Each line is the tokens an average task of a workflow used that month (over its tasks with "
        "call-level data): a rising line means each unit of work consumes more tokens, one reason usage "
        "outgrows falling prices."
    )
    if without:
        st.caption(
            "Not shown, as their tasks have no call-level tokens (their model cost is a share of the "
            "provider usage naming them): " + ", ".join(without) + "."
        )
    table(
        queries.tokens_per_task_change(picked),
        "jevons_tokens_per_task",
        {
            "workflow": st.column_config.TextColumn("Workflow"),
            "first_month": st.column_config.DateColumn("First month", format="MMM YYYY"),
            "first_tokens_per_task": st.column_config.NumberColumn(
                "Tokens per task then", format="localized", step=1
            ),
            "last_month": st.column_config.DateColumn("Last month", format="MMM YYYY"),
            "last_tokens_per_task": st.column_config.NumberColumn(
                "Tokens per task now", format="localized", step=1
            ),
            "change_pct": st.column_config.NumberColumn("Change", format="%+.1f%%"),
            "workflow_id": st.column_config.TextColumn("Workflow ID", help="As in the Workflow filter."),
        },
        height="content",
    )
