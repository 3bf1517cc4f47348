"""Sprawl: seats nobody uses and the list to reclaim them, people and teams paying for overlapping tools,
and AI spend outside the company's tool list or allocated to no team."""

import pandas as pd
import plotly.express as px
import streamlit as st

from app import filters
from app.charts import stacked_bars
from app.format import money
from app.queries import sprawl as queries
from app.tables import table

ACTIVE_COLOUR = "#2ca02c"
IDLE_COLOUR = "#d62728"
# What finance calls each billing source of the ledger.
SOURCES = {
    "openai_costs": "OpenAI bill",
    "anthropic_costs": "Anthropic bill",
    "aws_cur": "AWS bill",
    "focus": "Azure and Google Cloud bills (FOCUS)",
    "seats": "Seat licences",
}
# One colour per source in both charts, so a bill is the same colour wherever it appears.
SOURCE_COLOURS = dict(zip(SOURCES.values(), px.colors.qualitative.Plotly, strict=False))


def _money(label: str, help_text: str | None = None):
    return st.column_config.NumberColumn(label, format="dollar", help=help_text)


def _number(label: str, help_text: str | None = None):
    return st.column_config.NumberColumn(label, format="localized", help=help_text)


def _percent(label: str, help_text: str | None = None):
    return st.column_config.NumberColumn(label, format="percent", help=help_text)


def _amounts(frame: pd.DataFrame, column: str) -> str:
    """Money per currency, largest first, e.g. `$1,234.00` or `$1,234.00 + EUR 56.00`."""
    if frame.empty:
        return money(0)
    return " + ".join(money(row[column], row["currency"]) for _, row in frame.iterrows())


def _share(value) -> str:
    return "-" if pd.isna(value) else f"{value:.1%}"


st.title("Tool sprawl and idle seats")
picked = filters.current()
st.caption(
    "Seats paid for but not used, people paying for two tools that do the same job, how many vendors, "
    "tools and models each team uses, and AI spend outside the company's tool list (shadow spend) or "
    "allocated to no team. **The provider and workflow filters do not apply to seats, overlap or tool "
    "counts**: a seat has neither a provider nor a workflow. The team filter keeps the seat holder's team."
)

# Seat utilisation -------------------------------------------------------------------------------------
month = queries.seat_month(picked)
if month is None:
    st.subheader("Seat utilisation")
    st.info(
        "No seat data in the selected period. Seats come from the seat listings (GitHub Copilot seats in "
        "`copilot_seats`, Microsoft 365 Copilot in `m365_copilot`, other tools in `seats`, in the landing "
        "folder); land them and run the pipeline (`aispend run`), or widen the period."
    )
else:
    totals = queries.seat_totals(picked, month)
    st.subheader(f"Seat utilisation, {month:%B %Y}")
    if totals.empty:
        st.info(f"The selected teams hold no seats in {month:%B %Y}.")
    else:
        as_of = pd.Timestamp(totals["as_of_date"].max()).date()
        month_end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
        partial = ", so far" if as_of < month_end else ""
        st.caption(
            f"Seats that exist on {as_of:%d %b %Y}, the last day of {month:%B %Y} with seat data{partial}, "
            "the latest month in the period. A seat is **active** when its holder used the tool in the 28 "
            "days to that day, **idle** otherwise (never-used seats are idle). Idle cost is what the idle "
            "seats cost a month at their list or contract price. The team is the holder's team that day."
        )
        assigned = int(totals["seats_assigned"].sum())
        idle = int(totals["seats_idle"].sum())
        cols = st.columns(4)
        cols[0].metric("Seats assigned", f"{assigned:,}")
        cols[1].metric("Idle seats", f"{idle:,}", help="Seats not used in the 28 days to the day counted.")
        cols[2].metric("Idle share", f"{idle / assigned:.1%}", help="Idle seats over seats assigned.")
        cols[3].metric(
            "Idle cost per month",
            _amounts(totals, "idle_monthly_cost"),
            help="What the idle seats cost a month: reclaiming them all saves this much.",
        )

        utilisation = queries.seat_utilisation(picked, month)
        per_tool = (
            utilisation.groupby("tool", as_index=False)[["seats_active", "seats_idle"]]
            .sum()
            .sort_values(["seats_idle", "seats_active"])
        )
        figure = stacked_bars(
            per_tool,
            "tool",
            (("Active", "seats_active", ACTIVE_COLOUR), ("Idle", "seats_idle", IDLE_COLOUR)),
            "Active and idle seats per tool",
            "%{x:,} seats",
            legend_y=-0.15,
        )
        figure.update_layout(height=120 + 45 * len(per_tool))
        figure.update_xaxes(tickformat=",d", title="Seats")
        st.plotly_chart(figure, width="stretch")
        st.caption(
            "Each bar is one tool's seats on the day counted, green used in the last 28 days and red idle; "
            "a long red part is money paid for seats nobody uses."
        )
        table(
            utilisation.rename(
                columns={
                    "tool": "Tool",
                    "team": "Team",
                    "seats_assigned": "Seats assigned",
                    "seats_active": "Active seats",
                    "seats_idle": "Idle seats",
                    "idle_share": "Idle share",
                    "idle_monthly_cost": "Idle cost per month",
                    "seat_monthly_cost": "Seat cost per month",
                    "currency": "Currency",
                }
            ),
            f"seat_utilisation_{month:%Y_%m}",
            height="content",
            column_config={
                "Seats assigned": _number("Seats assigned"),
                "Active seats": _number("Active seats", "Used in the 28 days to the day counted."),
                "Idle seats": _number("Idle seats", "Not used in the 28 days to the day counted."),
                "Idle share": _percent("Idle share", "Idle seats over seats assigned."),
                "Idle cost per month": _money("Idle cost per month", "The idle seats' monthly price."),
                "Seat cost per month": _money("Seat cost per month", "All the seats' monthly price."),
            },
        )

# The reclaim list -------------------------------------------------------------------------------------
st.subheader("Idle seats to reclaim")
newest_day = queries.newest_seat_day()
if newest_day is None:
    st.info(
        "No seat data yet: the reclaim list comes from the seat listings (`copilot_seats`, `m365_copilot`, "
        "`seats` in the landing folder). Land them and run the pipeline (`aispend run`)."
    )
else:
    idle_seats = queries.idle_seats(picked)
    st.caption(
        f"Every seat not used in the 28 days to **{newest_day:%d %b %Y}, the newest day with seat data**, "
        "whatever the period picked. Days idle count from the last use, or for a seat never used from "
        "its assignment (or its first listing). Reclaiming a seat saves its monthly price. The team "
        "filter keeps the holder's team; download the list to act on it."
    )
    cols = st.columns(2)
    cols[0].metric("Seats to reclaim", f"{len(idle_seats):,}")
    by_currency = (
        idle_seats.groupby("currency", as_index=False)["monthly_price"]
        .sum()
        .sort_values("monthly_price", ascending=False)
    )
    cols[1].metric(
        "Saving per month",
        _amounts(by_currency, "monthly_price"),
        help="The monthly price of every seat on the list.",
    )
    if idle_seats.empty:
        st.info("No idle seats for the selected teams: every seat was used in the last 28 days.")
    else:
        reclaim = idle_seats.assign(
            last_activity_date=[
                "never" if pd.isna(day) else f"{pd.Timestamp(day):%Y-%m-%d}"
                for day in idle_seats["last_activity_date"]
            ]
        ).rename(
            columns={
                "holder": "Holder",
                "email": "Email",
                "team": "Team",
                "tool": "Tool",
                "last_activity_date": "Last activity",
                "days_idle": "Days idle",
                "monthly_price": "Monthly price",
                "currency": "Currency",
                "assigned_date": "Assigned",
                "seat_id": "Seat",
                "as_of_date": "As of",
            }
        )
        table(
            reclaim,
            "idle_seats_reclaim_list",
            {
                "Holder": st.column_config.TextColumn(
                    "Holder", help="The person, or the login or email the tool knows when nobody matches."
                ),
                "Last activity": st.column_config.TextColumn(
                    "Last activity", help="The holder's last use of the tool; never when never used."
                ),
                "Days idle": _number("Days idle"),
                "Monthly price": _money("Monthly price", "What reclaiming the seat saves a month."),
                "Assigned": st.column_config.DateColumn(
                    "Assigned", help="None when the listing does not say (Microsoft 365 Copilot's report)."
                ),
                "Seat": st.column_config.TextColumn("Seat", help="The seat as the warehouse identifies it."),
                "As of": st.column_config.DateColumn("As of"),
            },
        )

# Overlapping tools ------------------------------------------------------------------------------------
if month is not None:
    overlap = queries.tool_overlap(picked, month)
    st.subheader(f"People paying for overlapping tools, {month:%B %Y}")
    st.caption(
        f"People holding seats of two or more tools of the same category (GitHub Copilot and Cursor are "
        f"both coding assistants) on the last day of {month:%B %Y} with seat data. The extra cost is "
        "every seat but the cheapest: what keeping one tool each would save a month. Seats whose holder "
        "matches no person cannot be compared and are left out."
    )
    cols = st.columns(3)
    cols[0].metric("People with overlapping tools", f"{overlap['person'].nunique():,}")
    cols[1].metric("Teams", f"{overlap['team'].nunique():,}")
    extra = (
        overlap.groupby("currency", as_index=False)["extra_monthly_cost"]
        .sum()
        .sort_values("extra_monthly_cost", ascending=False)
    )
    cols[2].metric(
        "Extra cost per month",
        _amounts(extra, "extra_monthly_cost"),
        help="Every overlapping seat but each person's cheapest one in the category.",
    )
    if overlap.empty:
        st.info("Nobody in the selected teams holds two tools of one category.")
    else:
        table(
            overlap.assign(category=overlap["category"].str.replace("_", " ").str.capitalize()).rename(
                columns={
                    "person": "Person",
                    "team": "Team",
                    "category": "Category",
                    "tools": "Tools",
                    "tool_count": "Tools held",
                    "seat_count": "Seats held",
                    "category_monthly_cost": "Seats' cost per month",
                    "extra_monthly_cost": "Extra cost per month",
                    "currency": "Currency",
                }
            ),
            f"tool_overlap_{month:%Y_%m}",
            {
                "Tools held": _number("Tools held"),
                "Seats held": _number("Seats held"),
                "Seats' cost per month": _money("Seats' cost per month"),
                "Extra cost per month": _money(
                    "Extra cost per month", "Every seat but the cheapest: what dropping the rest saves."
                ),
            },
        )

# Tools per team ---------------------------------------------------------------------------------------
sprawl_month = queries.sprawl_month(picked)
st.subheader("Vendors, tools and models per team" + (f", {sprawl_month:%B %Y}" if sprawl_month else ""))
if sprawl_month is None:
    st.info(
        "No team used a listed tool, a model or shadow AI spend in the selected period: land provider "
        "bills, usage exports, gateway logs or seat listings and run the pipeline (`aispend run`)."
    )
else:
    sprawl = queries.team_sprawl(picked, sprawl_month, month)
    st.caption(
        f"What each team used in {sprawl_month:%B %Y}, the latest month in the period: distinct vendors "
        "and tools of the company's tool list (seat tools its people held, APIs its spend went to), "
        "distinct models its tokens went to, and providers of its shadow spend (AI spend on no listed "
        "tool). Overlapping people and their extra cost are as in the table above."
    )
    if sprawl.empty:
        st.info(f"The selected teams used no tool, model or shadow provider in {sprawl_month:%B %Y}.")
    else:
        counts = sprawl.melt(
            id_vars="team",
            value_vars=["vendors", "tools", "models", "shadow_providers"],
            var_name="count",
            value_name="distinct",
        )
        counts["count"] = counts["count"].str.replace("_", " ").str.capitalize()
        figure = px.bar(
            counts,
            x="team",
            y="distinct",
            color="count",
            barmode="group",
            labels={"team": "", "distinct": "Distinct", "count": ""},
            title="Vendors, tools, models and shadow providers per team",
        )
        figure.update_layout(
            legend={"orientation": "h", "y": -0.2, "title": None},
            margin={"l": 10, "r": 10, "t": 40, "b": 10},
        )
        figure.update_yaxes(tickformat=",d")
        st.plotly_chart(figure, width="stretch")
        st.caption(
            "Each group of bars is one team's distinct vendors, tools, models and shadow providers in the "
            "month; taller groups are teams whose AI spend is spread over more products."
        )
        # The overlap's currency only matters when there is more than one; a team without overlap has none.
        if sprawl["currency"].nunique() <= 1:
            sprawl = sprawl.drop(columns="currency")
        table(
            sprawl.rename(
                columns={
                    "team": "Team",
                    "vendors": "Vendors",
                    "tools": "Tools",
                    "seat_tools": "Seat tools",
                    "usage_tools": "API tools",
                    "models": "Models",
                    "shadow_providers": "Shadow providers",
                    "overlapping_people": "People with overlapping tools",
                    "extra_monthly_cost": "Overlap extra cost per month",
                    "currency": "Currency",
                    "tool_names": "Tools used",
                }
            ),
            f"team_tool_sprawl_{sprawl_month:%Y_%m}",
            height="content",
            column_config={
                "Vendors": _number("Vendors", "Distinct vendors of the listed tools the team used."),
                "Tools": _number("Tools", "Distinct listed tools, seat and API."),
                "Seat tools": _number("Seat tools"),
                "API tools": _number("API tools", "Model APIs the team's billed spend went to."),
                "Models": _number("Models", "Distinct models the team's tokens went to."),
                "Shadow providers": _number("Shadow providers", "Providers of AI spend on no listed tool."),
                "People with overlapping tools": _number("People with overlapping tools"),
                "Overlap extra cost per month": _money("Overlap extra cost per month"),
                "Tools used": st.column_config.TextColumn(
                    "Tools used", help="The tools of the company's tool list the team used."
                ),
            },
        )

# Shadow and unallocated spend -------------------------------------------------------------------------
st.subheader("Shadow and unallocated spend")
shadow = queries.shadow_spend(picked)
first_month, last_month = picked.months
st.caption(
    f"Per billing source and month, {first_month:%B %Y} to {last_month:%B %Y}. **Shadow spend** is AI spend "
    "on no tool of the company's tool list (a provider the list lacks, a model the listed tool does not "
    "sell, a seat of an unlisted tool); **unallocated** is billed cost no credential owner, tag or seat "
    "holder ties to a team. Shares are of the source's billed cost. **This table has no team**: the team, "
    "provider and workflow filters do not apply to it."
)
if shadow.empty:
    st.info(
        "No billed cost in the selected months: land provider bills or cloud exports and run the pipeline "
        "(`aispend run`), or widen the period."
    )
else:
    shadow_totals = queries.shadow_totals(picked)
    cols = st.columns(4)
    cols[0].metric("Shadow spend in period", _amounts(shadow_totals, "shadow_cost"))
    cols[1].metric(
        "Shadow share",
        " + ".join(_share(v) for v in shadow_totals["shadow_share"]),
        help="Shadow spend over all billed cost of the months.",
    )
    cols[2].metric("Unallocated in period", _amounts(shadow_totals, "unallocated_cost"))
    cols[3].metric(
        "Unallocated share",
        " + ".join(_share(v) for v in shadow_totals["unallocated_share"]),
        help="Unallocated cost over all billed cost of the months.",
    )
    shown = shadow.assign(
        source=shadow["source"].map(SOURCES).fillna(shadow["source"]),
        shadow_providers=shadow["shadow_providers"].fillna(""),
    )
    # Months as labels on a category axis: a single month would otherwise get a time-of-day axis.
    chart = shown.assign(month=pd.to_datetime(shown["month"]).dt.strftime("%b %Y"))
    left, right = st.columns(2)
    for column, cost, title, sentence, nothing in (
        (
            left,
            "shadow_cost",
            "Shadow spend by month",
            "Each bar is a month's AI spend on tools outside the company's list, split by the bill it "
            "came on; hover for the providers behind it.",
            "No shadow spend in the selected months: all AI spend went to listed tools.",
        ),
        (
            right,
            "unallocated_cost",
            "Unallocated spend by month",
            "Each bar is a month's billed cost allocated to no team, split by the bill it came on; a "
            "growing bar means more spend nobody is answerable for.",
            "No unallocated cost in the selected months: every charge is tied to a team.",
        ),
    ):
        # Only the bills with such spend, so the legend names where it comes from; all their months, so a
        # month without it shows as a gap.
        with_spend = chart.groupby("source")[cost].transform(lambda amounts: (amounts != 0).any())
        bars = chart[with_spend]
        with column:
            if bars.empty:
                st.info(nothing)
                continue
            figure = px.bar(
                bars,
                x="month",
                y=cost,
                color="source",
                color_discrete_map=SOURCE_COLOURS,
                hover_data={"shadow_providers": True} if cost == "shadow_cost" else None,
                labels={cost: "USD", "month": "", "source": "", "shadow_providers": "Providers"},
                title=title,
            )
            figure.update_layout(
                legend={"orientation": "h", "y": -0.2, "title": None},
                margin={"l": 10, "r": 10, "t": 40, "b": 10},
            )
            figure.update_yaxes(tickprefix="$", tickformat=",.2~f")
            figure.update_xaxes(type="category", title=None)
            st.plotly_chart(figure, width="stretch")
            st.caption(sentence)
    table(
        shown.rename(
            columns={
                "month": "Month",
                "source": "Source",
                "billed_cost": "Billed",
                "unallocated_cost": "Unallocated",
                "unallocated_share": "Unallocated share",
                "shadow_cost": "Shadow spend",
                "shadow_share": "Shadow share",
                "shadow_providers": "Shadow providers",
                "currency": "Currency",
                "last_charge_date": "Charged through",
            }
        ),
        "shadow_and_unallocated_spend",
        {
            "Month": st.column_config.DateColumn("Month", format="MMM YYYY"),
            "Source": st.column_config.TextColumn("Source", width="medium"),
            "Billed": _money("Billed"),
            "Unallocated": _money("Unallocated", "Billed cost allocated to no team."),
            "Unallocated share": _percent("Unallocated share", "Unallocated over billed."),
            "Shadow spend": _money("Shadow spend", "AI spend on no tool of the company's tool list."),
            "Shadow share": _percent("Shadow share", "Shadow spend over billed."),
            "Shadow providers": st.column_config.TextColumn(
                "Shadow providers", help="Who the shadow spend was paid to."
            ),
            "Charged through": st.column_config.DateColumn(
                "Charged through", help="The source's newest charge day in the month."
            ),
        },
    )
