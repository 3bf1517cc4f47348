"""Savings: what a quarter would have cost with each savings lever, at assumptions the user changes."""

import calendar
import dataclasses
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import filters
from app.format import money, tile_money
from app.queries import savings as queries
from app.tables import table

ACTUAL_COLOUR = "#1f77b4"
SCENARIO_COLOUR = "#2ca02c"
PERIOD_KEY = "savings_period"
BATCH_KEY = "savings_batch_percent"
CACHE_KEY = "savings_cache_percent"
ROUTING_KEYS = {
    "small": "savings_routing_small",
    "balanced": "savings_routing_balanced",
    "frontier": "savings_routing_frontier",
}


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _months_text(first: date, last: date) -> str:
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = _add_months(month, 1)
    if len(months) == 1:
        return f"{first:%B %Y}"
    if len(months) <= 3:
        names = [f"{m:%B}" if m.year == last.year else f"{m:%B %Y}" for m in months]
        return ", ".join(names[:-1]) + f" and {names[-1]} {last.year}"
    return f"{first:%B %Y} to {last:%B %Y} ({len(months)} months)"


def _period_options(picked: filters.Filters, months: list[date]) -> dict[str, tuple[date, date]]:
    """Calendar quarters lying wholly inside the sidebar's period with lever data in each month, newest
    first, then every month the period touches."""
    have = set(months)
    options: dict[str, tuple[date, date]] = {}
    for first in sorted(have, reverse=True):
        last = _add_months(first, 2)
        if (
            first.month % 3 == 1
            and {first, _add_months(first, 1), last} <= have
            and picked.start <= first
            and _month_end(last) <= picked.end
        ):
            options[f"Q{(first.month - 1) // 3 + 1} {first.year} ({first:%b} to {last:%b %Y})"] = (
                first,
                last,
            )
    first, last = min(have), max(have)
    options[f"Every month of the period ({first:%b %Y} to {last:%b %Y})"] = (first, last)
    return options


def _money(label: str, help_text: str | None = None):
    return st.column_config.NumberColumn(label, format="dollar", help=help_text)


st.title("Savings: what could the AI bill have been?")
picked = filters.current()

if not queries.has_levers():
    st.info(
        "This published warehouse has no savings marts (`fct_savings_levers`, `fct_savings_scenarios`): "
        "it was published by an older version. Run the pipeline (`aispend run`) to rebuild and publish it."
    )
    st.stop()
lever_months = queries.lever_months(picked)
if lever_months.empty:
    st.info(
        "No priced model usage in the selected period: the savings levers replay token usage (gateway "
        "logs, traced calls, provider usage reports) at list prices. Land usage in the landing folder and "
        "run the pipeline (`aispend run`), or widen the period."
    )
    st.stop()

st.caption(
    "What the model usage would have cost if three savings levers had been pulled: moving non-urgent "
    "workflows to the providers' **Batch API**, reading repeated prompt prefixes from the **prompt "
    "cache**, and **routing** the simplest tasks to cheaper model tiers. All figures are **estimates**: "
    "history replayed at the providers' list prices of each day, not bills. Change the assumptions below "
    "and every figure is recomputed. The team filter keeps the workflows a team owns; the provider and "
    "workflow filters apply too."
)

# Period and assumptions --------------------------------------------------------------------------------
months = [pd.Timestamp(month).date() for month in lever_months["month"]]
days = dict(zip(months, lever_months["days_with_data"], strict=True))
periods = _period_options(picked, months)
if st.session_state.get(PERIOD_KEY) not in periods:
    st.session_state[PERIOD_KEY] = next(iter(periods))
defaults = queries.default_assumptions()

with st.container(border=True):
    st.subheader("Assumptions")
    period_column, batch_column, cache_column = st.columns([1.2, 1, 1])
    with period_column:
        period_label = st.selectbox(
            "Period",
            list(periods),
            key=PERIOD_KEY,
            help="Calendar quarters wholly inside the sidebar's period, newest first; the last complete "
            "quarter is picked to start with.",
        )
        first_month, last_month = periods[period_label]
        partial = [
            f"{m:%B %Y} has usage on {days[m]} of {_month_end(m).day} days"
            for m in months
            if first_month <= m <= last_month and days[m] < _month_end(m).day
        ]
        st.caption(
            f"Months: {_months_text(first_month, last_month)}, each counted whole."
            + (f" {'; '.join(partial)}." if partial else "")
        )
    batch_percent = batch_column.slider(
        "Batch API adoption, non-urgent workflows",
        0,
        100,
        defaults.batch_adoption_percent,
        format="%d%%",
        key=BATCH_KEY,
        help="Share of the standard-priced usage of workflows that can wait (not marked urgent) moved to the "
        "Batch API at its batch prices. Urgent workflows and usage already on batch are never moved.",
    )
    cache_percent = cache_column.slider(
        "Prompt-cache hit rate on repeated prefixes",
        0,
        100,
        defaults.cache_hit_percent,
        format="%d%%",
        key=CACHE_KEY,
        help="Share of the input tokens paid at the full input price that would have been read from the "
        "prompt cache at the cache-read price instead.",
    )
    st.markdown("**Routing of each workflow's tasks**, simplest first (in steps of 10%, adding up to 100%)")
    routing_defaults = {
        "small": defaults.routing_small_percent,
        "balanced": defaults.routing_balanced_percent,
        "frontier": defaults.routing_frontier_percent,
    }
    routing_help = {
        "small": "Share of each workflow-month's simplest tasks (fewest tokens) run on the small tier.",
        "balanced": "Share of the next-simplest tasks run on the balanced tier.",
        "frontier": "Share of the hardest tasks that keep the model they used.",
    }
    routing = {}
    for column, tier in zip(st.columns(3), ROUTING_KEYS, strict=True):
        routing[tier] = column.number_input(
            f"{tier.capitalize()} tier (%)",
            min_value=0,
            max_value=100,
            value=routing_defaults[tier],
            step=10,
            format="%d",
            key=ROUTING_KEYS[tier],
            help=routing_help[tier],
        )

assumptions = queries.Assumptions(
    int(batch_percent),
    int(cache_percent),
    int(routing["small"]),
    int(routing["balanced"]),
    int(routing["frontier"]),
)
if not assumptions.is_valid:
    shares = f"{routing['small']}% + {routing['balanced']}% + {routing['frontier']}%"
    problem = (
        f"The routing shares add up to {assumptions.routing_total_percent}% ({shares}), not 100%."
        if assumptions.routing_total_percent != 100
        else f"The routing shares ({shares}) must be whole tens of percent."
    )
    st.error(
        f"{problem} Every task goes to exactly one tier: the simplest to the small tier, the next to the "
        "balanced tier, and the hardest keep the model they used, so the three shares must add up to "
        "100%. Tasks move in whole tenths of each workflow-month's tasks, so each share is a multiple of "
        "10%. Change a share and the estimates appear.",
        icon=":material/error:",
    )
    st.stop()

quarter = dataclasses.replace(picked, start=first_month, end=_month_end(last_month))
totals = queries.lever_totals(quarter, assumptions)
if not totals["workflows"]:
    st.info(
        f"No priced model usage in {_months_text(first_month, last_month)} for the selected team, provider "
        "and workflow. Widen the sidebar's filters or pick another period."
    )
    st.stop()

# Actual against scenario cost --------------------------------------------------------------------------
assumption_text = assumptions.text()
levers = pd.DataFrame(
    [
        (
            "Batch API",
            f"{assumptions.batch_adoption_percent}% of non-urgent usage",
            totals["batch_addressable_usd"],
            totals["batch_saving_usd"],
        ),
        (
            "Prompt cache",
            f"{assumptions.cache_hit_percent}% hit rate",
            totals["cache_addressable_usd"],
            totals["cache_saving_usd"],
        ),
        (
            "Routing",
            f"{assumptions.routing_small_percent}/{assumptions.routing_balanced_percent}/"
            f"{assumptions.routing_frontier_percent} small/balanced/frontier",
            totals["routing_addressable_usd"],
            totals["routing_saving_usd"],
        ),
    ],
    columns=["lever", "assumption", "addressable_usd", "saving_usd"],
)
actual = totals["actual_cost_usd"]
levers.insert(2, "actual_cost_usd", actual)
levers["scenario_cost_usd"] = actual - levers["saving_usd"]
levers["saving_share"] = levers["saving_usd"] / actual if actual else None

st.subheader(f"Actual against scenario cost, {_months_text(first_month, last_month)} (estimates)")
st.caption(
    f"**Assumptions**: {assumption_text}. Each lever is applied alone to the actual cost; "
    "the savings of different levers do not add up."
)
cols = st.columns(4)
cols[0].metric(
    "Actual cost",
    tile_money(actual),
    help="The period's model usage at the list price of each day (batch price for usage already on batch).",
)
for column, row in zip(cols[1:], levers.itertuples(), strict=True):
    column.metric(
        f"{row.lever} scenario (estimate)",
        tile_money(row.scenario_cost_usd),
        delta=f"-{money(row.saving_usd)} ({row.saving_share:.1%}) estimated saving" if actual else None,
        delta_color="inverse",
        help=f"What the period would have cost with {row.assumption}, all else as it was.",
    )

figure = go.Figure(
    [
        go.Bar(
            name="Actual cost",
            x=levers["lever"],
            y=levers["actual_cost_usd"],
            marker_color=ACTUAL_COLOUR,
            hovertemplate="%{x}: actual cost %{y:$,.2f}<extra></extra>",
        ),
        go.Bar(
            name="Scenario cost (estimate)",
            x=levers["lever"],
            y=levers["scenario_cost_usd"],
            marker_color=SCENARIO_COLOUR,
            customdata=levers[["assumption", "saving_usd"]],
            hovertemplate="%{x} at %{customdata[0]}: %{y:$,.2f}, saving %{customdata[1]:$,.2f}"
            "<extra>estimate</extra>",
        ),
    ]
)
figure.update_layout(
    barmode="group",
    legend={"orientation": "h", "y": -0.12},
    margin={"l": 10, "r": 10, "t": 30, "b": 10},
    height=380,
)
figure.update_yaxes(tickprefix="$", tickformat=",.0f", rangemode="tozero")
st.plotly_chart(figure, width="stretch")
st.caption(
    "Each pair of bars is one lever: blue is what the usage cost, green what it would have cost with "
    f"that lever alone, and the gap between them is the estimated saving. Assumptions: {assumption_text}."
)
table(
    levers,
    "savings_by_lever",
    {
        "lever": st.column_config.TextColumn("Lever"),
        "assumption": st.column_config.TextColumn("Assumption"),
        "actual_cost_usd": _money("Actual cost"),
        "addressable_usd": _money(
            "Cost the lever acts on",
            "Batch: standard-priced usage of non-urgent workflows. Cache: what the uncached input tokens "
            "cost. Routing: usage of the routed tasks on a model above their tier.",
        ),
        "saving_usd": _money("Estimated saving"),
        "scenario_cost_usd": _money("Estimated scenario cost", "Actual cost minus the estimated saving."),
        "saving_share": st.column_config.NumberColumn(
            "Saving share", format="percent", help="Estimated saving over the actual cost."
        ),
    },
)

# Per workflow ------------------------------------------------------------------------------------------
st.subheader("Per workflow (estimates)")
st.caption(
    f"Each workflow's actual cost over {_months_text(first_month, last_month)} and what each lever alone "
    "would have saved it. **The levers are measured separately and do not add up**: usage moved to "
    "batch would save less from caching, and routed tasks pay other prices. Urgent workflows are never "
    f"moved to batch. Assumptions: {assumption_text}. The download carries the period and the assumptions."
)
by_workflow = queries.workflow_savings(quarter, assumptions)
by_workflow["period"] = f"{first_month:%Y-%m} to {last_month:%Y-%m}"
by_workflow["assumptions"] = assumption_text
shown = [column for column in by_workflow.columns if column not in ("period", "assumptions")]
table(
    by_workflow,
    "savings_by_workflow",
    {
        "workflow": st.column_config.TextColumn("Workflow"),
        "team": st.column_config.TextColumn("Team", help="The workflow's owner team."),
        "is_urgent": st.column_config.CheckboxColumn(
            "Urgent", help="Urgent workflows cannot wait for batch results and are never moved to batch."
        ),
        "actual_cost_usd": _money("Actual cost"),
        "batch_saving_usd": _money("Batch API saving (est.)"),
        "cache_saving_usd": _money("Prompt-cache saving (est.)"),
        "routing_saving_usd": _money("Routing saving (est.)"),
        "workflow_id": st.column_config.TextColumn("Workflow ID", help="As in the Workflow filter."),
    },
    column_order=shown,
    height="content",
)

with st.expander("How the estimates are made"):
    names = {"batch": "Batch API", "cache": "Prompt cache", "routing": "Routing"}
    for scenario, note in queries.method_notes().items():
        st.markdown(f"**{names.get(scenario, scenario)}**: {note}")
    st.markdown(
        "Prices are the list prices of each day (the genai-prices catalogue), not negotiated rates, so "
        "the actual cost here can differ from the bills. The cost of writing prefixes into the cache is "
        "not counted, so the cache saving is an upper bound. The starting assumptions are the "
        "warehouse's defaults, the ones its ready-made scenarios (`fct_savings_scenarios`) use."
    )
