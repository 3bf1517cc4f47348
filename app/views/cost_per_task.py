"""Cost per task: what each workflow's successful task costs fully loaded against what it is worth, one
workflow's months, and the budget review's four questions per workflow."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from app import filters
from app.charts import stacked_bars
from app.format import money, tile_money
from app.queries import cost_per_task as queries
from app.tables import table

MODEL_COLOUR = "#1f77b4"
HUMAN_COLOUR = "#ff7f0e"
GAIN_COLOUR = "#2ca02c"
LOSS_COLOUR = "#d62728"
DRILL_DOWN_KEY = "cost_per_task_workflow"
# A budget-review answer as a mark: improved, did not, or could not be answered.
MARKS = {True: "✔ Yes", False: "✘ No"}
NO_ANSWER = "—"


def _money(label: str, help_text: str | None = None):
    return st.column_config.NumberColumn(label, format="dollar", help=help_text)


def _number(label: str, help_text: str | None = None, number_format: str = "localized", step=None):
    return st.column_config.NumberColumn(label, format=number_format, help=help_text, step=step)


def _amount(value) -> str:
    return tile_money(None if pd.isna(value) else value)


def _mark(answer) -> str:
    return NO_ANSWER if pd.isna(answer) else MARKS[bool(answer)]


st.title("Cost per task")
picked = filters.current()
first_month, last_month = picked.months
months_text = (
    f"{first_month:%B %Y}" if first_month == last_month else f"{first_month:%B %Y} to {last_month:%B %Y}"
)
st.caption(
    f"What each workflow's tasks cost and were worth, for tasks started {months_text} (every month the "
    "period touches, counted whole). **Model cost includes every attempt**: first calls, retries, "
    "fallbacks and calls the API failed. Human cost is the minutes people spent correcting the tasks at "
    "their team's hourly labour rate; fully loaded cost is the two together. The team filter keeps the "
    "workflows a team owns. **The provider filter does not apply here**: a task's model cost covers every "
    "call it made, whichever provider served it."
)

totals = queries.period_totals(picked)
if not totals["tasks"]:
    st.info(
        "No tasks in the selected months and filters. Task outcomes come from the workflows' task logs "
        "(`task_outcomes` in the landing folder); land them and run the pipeline (`aispend run`), or "
        "widen the filters."
    )
    st.stop()

cols = st.columns(5)
cols[0].metric(
    "Tasks", f"{int(totals['tasks']):,}", help="Tasks started in the months, whatever their outcome."
)
cols[1].metric(
    "Success rate",
    "-" if pd.isna(totals["success_rate"]) else f"{totals['success_rate']:.1%}",
    help="Successful tasks over tasks with a reported outcome.",
)
cols[2].metric(
    "Cost per successful task",
    _amount(totals["cost_per_successful_task_usd"]),
    help="Fully loaded cost of all tasks (failed and escalated ones included) over the successful tasks: "
    "what one delivered unit of work costs.",
)
cols[3].metric(
    "Value per task",
    _amount(totals["value_per_task_usd"]),
    help="What the tasks were worth, over the tasks with a reported value.",
)
margin = totals["margin_usd"]
cols[4].metric(
    "Margin",
    _amount(margin),
    help="Value minus fully loaded cost over the months"
    + ("" if pd.isna(margin) else f": {money(margin)}")
    + ".",
)
if totals["unpriced_tasks"]:
    st.caption(
        f"{int(totals['unpriced_tasks']):,} tasks have no model cost (no call-level data and no provider "
        "usage naming their workflow): their people's time counts, their model calls cannot, so those "
        "workflows' cost is understated by their model part."
    )

# Workflows over the period ----------------------------------------------------------------------------
st.subheader("Workflows")
by_workflow = queries.workflows(picked)
left, right = st.columns(2)
with left:
    ranked = by_workflow.dropna(subset=["cost_per_successful_task_usd"]).sort_values(
        "cost_per_successful_task_usd"
    )
    figure = stacked_bars(
        ranked,
        "workflow",
        (
            ("Model", "model_cost_per_successful_task_usd", MODEL_COLOUR),
            ("People", "human_cost_per_successful_task_usd", HUMAN_COLOUR),
        ),
        "Cost per successful task",
        "%{x:$,.2f}",
    )
    figure.update_xaxes(tickprefix="$", tickformat=",.2f")
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "Each bar is what one successful task cost over the months, split into model calls and people's "
        "time; the longest bars are the dearest units of work."
    )
with right:
    margins = by_workflow.dropna(subset=["margin_usd"]).sort_values("margin_usd")
    figure = go.Figure(
        go.Bar(
            y=margins["workflow"],
            x=margins["margin_usd"],
            orientation="h",
            marker_color=[GAIN_COLOUR if m >= 0 else LOSS_COLOUR for m in margins["margin_usd"]],
            customdata=margins[["margin_per_successful_task_usd"]],
            hovertemplate="%{y}: %{x:$,.2f} (%{customdata[0]:$,.2f} a successful task)<extra></extra>",
        )
    )
    figure.update_layout(title="Margin", margin={"l": 10, "r": 10, "t": 40, "b": 10})
    figure.update_xaxes(tickprefix="$", tickformat=",.0f")
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "Each bar is what the workflow's tasks were worth minus their fully loaded cost over the months: "
        "green earns more than it costs, red costs more than it earns."
    )

st.caption(
    "Over several months the money and counts are added up first and then divided, so a busy month "
    "weighs more than a quiet one. Click a column header to sort."
)
table(
    by_workflow.drop(columns=["model_cost_per_successful_task_usd", "human_cost_per_successful_task_usd"]),
    "cost_per_task_by_workflow",
    {
        "workflow": st.column_config.TextColumn("Workflow"),
        "team": st.column_config.TextColumn("Team", help="The workflow's owner team."),
        "tasks": _number("Tasks"),
        "successful_tasks": _number("Successful tasks"),
        "success_rate": _number(
            "Success rate", "Successful tasks over tasks with a reported outcome.", "percent"
        ),
        "model_cost_usd": _money(
            "Model cost", "Every model call of the tasks: retries and failed calls included."
        ),
        "human_cost_usd": _money("Human cost", "Minutes people spent on the tasks x the team's labour rate."),
        "fully_loaded_cost_usd": _money("Fully loaded cost", "Model cost plus human cost."),
        "cost_per_successful_task_usd": _money(
            "Cost per successful task",
            "Fully loaded cost of all the tasks over the successful ones: failed tasks' cost is carried "
            "by the successes.",
        ),
        "value_usd": _money("Value", "What the tasks were worth (value reported in USD)."),
        "value_per_task_usd": _money("Value per task", "Value over the tasks with a reported value."),
        "margin_usd": _money("Margin", "Value minus fully loaded cost."),
        "margin_per_successful_task_usd": _money("Margin per successful task"),
        "human_minutes_per_task": _number(
            "Human minutes per task", "Minutes over the tasks with reported minutes.", step=0.1
        ),
        "unpriced_tasks": _number(
            "Tasks without model cost",
            "Tasks with no call-level data and no provider usage naming the workflow: their model calls "
            "are missing from the cost.",
        ),
        "workflow_id": st.column_config.TextColumn("Workflow ID", help="As in the Workflow filter."),
    },
    height="content",
)

# One workflow over time -------------------------------------------------------------------------------
st.subheader("One workflow, month by month")
names = dict(zip(by_workflow["workflow_id"], by_workflow["workflow"], strict=True))
options = list(names)
# The costliest workflow in the filters unless the user picked one that the filters still keep.
if st.session_state.get(DRILL_DOWN_KEY) not in options:
    st.session_state[DRILL_DOWN_KEY] = options[0]
chosen = st.selectbox(
    "Workflow",
    options,
    format_func=lambda workflow_id: names[workflow_id],
    key=DRILL_DOWN_KEY,
    help="Starts on the workflow with the largest fully loaded cost in the filters.",
)
monthly = queries.workflow_months(picked, chosen)
logs_calls = monthly["attempts"].notna().any()
if not logs_calls:
    st.caption(
        f"{names[chosen]} logs no model calls (its model cost is an equal share of the provider usage "
        "naming it), so its attempts, retries and tokens are unknown."
    )

# Months as labels on a category axis: a single month would otherwise get a time-of-day axis.
chart = monthly.assign(month=pd.to_datetime(monthly["month"]).dt.strftime("%b %Y"))
top_left, top_right = st.columns(2)
with top_left:
    if logs_calls:
        figure = go.Figure(
            [
                go.Bar(
                    name="First attempts",
                    x=chart["month"],
                    y=chart["first_attempts"],
                    marker_color=MODEL_COLOUR,
                ),
                go.Bar(name="Retries", x=chart["month"], y=chart["retries"], marker_color=LOSS_COLOUR),
            ]
        )
        figure.update_layout(
            barmode="stack",
            title="Attempts (model calls)",
            legend={"orientation": "h", "y": -0.15, "traceorder": "normal"},
            margin={"l": 10, "r": 10, "t": 40, "b": 10},
            hovermode="x unified",
        )
        figure.update_xaxes(type="category", title=None)
        st.plotly_chart(figure, width="stretch")
        st.caption(
            "Each bar is the month's model calls: one first attempt per task plus the retries (red) "
            "that failures and fallbacks cost on top."
        )
    else:
        st.info("No call-level data for this workflow: attempts and retries are unknown.")
with top_right:
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(
        go.Bar(name="Human minutes", x=chart["month"], y=chart["human_minutes"], marker_color=HUMAN_COLOUR),
        secondary_y=False,
    )
    figure.add_trace(
        go.Scatter(
            name="Minutes per task",
            x=chart["month"],
            y=chart["human_minutes_per_task"],
            mode="lines+markers",
            line_color="#444444",
        ),
        secondary_y=True,
    )
    figure.update_layout(
        title="People's time",
        legend={"orientation": "h", "y": -0.15},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        hovermode="x unified",
    )
    figure.update_yaxes(title_text="Minutes", secondary_y=False, tickformat=",.0f")
    figure.update_yaxes(
        title_text="Minutes per task",
        secondary_y=True,
        rangemode="tozero",
        showgrid=False,
        tickmode="auto",
        tickformat=",.1f",
    )
    figure.update_xaxes(type="category", title=None)
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "Bars are the minutes people spent on the month's tasks, the line the minutes per task (right "
        "axis): a falling line means less correction for each task, whatever the volume."
    )

bottom_left, bottom_right = st.columns(2)
with bottom_left:
    if logs_calls:
        tokens = chart.melt(
            id_vars="month",
            value_vars=[
                "uncached_input_tokens_per_task",
                "cache_read_tokens_per_task",
                "cache_write_tokens_per_task",
                "output_tokens_per_task",
                "reasoning_tokens_per_task",
            ],
            var_name="token_type",
            value_name="tokens_per_task",
        )
        tokens["token_type"] = (
            tokens["token_type"].str.removesuffix("_tokens_per_task").str.replace("_", " ").str.capitalize()
        )
        figure = px.bar(
            tokens,
            x="month",
            y="tokens_per_task",
            color="token_type",
            labels={"tokens_per_task": "Tokens per task", "month": "", "token_type": "Tokens"},
            title="Tokens per task",
        )
        figure.update_layout(
            legend={"orientation": "h", "y": -0.15, "title": None},
            margin={"l": 10, "r": 10, "t": 40, "b": 10},
            hovermode="x unified",
        )
        figure.update_yaxes(tickformat=",.0f")
        figure.update_xaxes(type="category", title=None)
        st.plotly_chart(figure, width="stretch")
        st.caption(
            "Each bar is the tokens an average task used that month, by type (counting the tasks with "
            "call-level data); a rising bar means tasks need more tokens."
        )
    else:
        st.info("No call-level data for this workflow: tokens per task are unknown.")
with bottom_right:
    figure = go.Figure(
        [
            go.Bar(
                name=name,
                x=chart["month"],
                y=chart[column],
                marker_color=colour,
                hovertemplate="%{y:$,.2f}",
            )
            for name, column, colour in (
                ("Model", "model_cost_per_successful_task_usd", MODEL_COLOUR),
                ("People", "human_cost_per_successful_task_usd", HUMAN_COLOUR),
            )
        ]
        + [
            go.Scatter(
                name="Value per task",
                x=chart["month"],
                y=chart["value_per_task_usd"],
                mode="lines+markers",
                line_color=GAIN_COLOUR,
                hovertemplate="%{y:$,.2f}",
            )
        ]
    )
    figure.update_layout(
        barmode="stack",
        title="Cost per successful task",
        legend={"orientation": "h", "y": -0.15, "traceorder": "normal"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        hovermode="x unified",
    )
    figure.update_yaxes(tickprefix="$", tickformat=",.2f", rangemode="tozero")
    figure.update_xaxes(type="category", title=None)
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "Each bar is the month's fully loaded cost per successful task, model and people; the green line "
        "is what a task was worth. A month whose tasks have no model cost at all is left blank."
    )

table(
    monthly.drop(
        columns=[
            "first_attempts",
            "model_cost_per_successful_task_usd",
            "human_cost_per_successful_task_usd",
            "uncached_input_tokens_per_task",
            "cache_read_tokens_per_task",
            "cache_write_tokens_per_task",
            "output_tokens_per_task",
            "reasoning_tokens_per_task",
        ]
    ),
    f"cost_per_task_{chosen}_by_month",
    {
        "month": st.column_config.DateColumn("Month", format="MMM YYYY"),
        "tasks": _number("Tasks"),
        "successful_tasks": _number("Successful tasks"),
        "success_rate": _number("Success rate", number_format="percent"),
        "attempts": _number("Attempts", "Model calls, failed ones included."),
        "retries": _number("Retries", "Attempts beyond each task's first."),
        "failed_calls": _number("Failed calls", "Calls the API failed."),
        "human_minutes": _number("Human minutes", step=0.1),
        "human_minutes_per_task": _number("Human minutes per task", step=0.01),
        "call_priced_tasks": _number("Tasks with call data", "The tasks tokens per task count."),
        "total_tokens_per_task": _number("Tokens per task", step=1),
        "cost_per_successful_task_usd": _money("Cost per successful task"),
        "value_per_task_usd": _money("Value per task"),
        "margin_usd": _money("Margin"),
    },
    height="content",
)

# The budget review ------------------------------------------------------------------------------------
st.subheader("Budget review")
review = queries.budget_review(picked)
st.caption(
    "For each workflow's latest month with tasks in the period, against its previous month with tasks: "
    "did the cost per successful task fall, the human minutes per task fall, the successful tasks per "
    "day rise, and the value per task rise? ✔ yes, ✘ no, — cannot be answered (the workflow's first "
    "month, or a month without the figure). A workflow improving on none of the four is flagged ⚠."
)
flagged = review[review["is_improving_nothing"]]
if flagged.empty:
    st.success("Every workflow improved on at least one of the four in its latest month.")
else:
    st.warning(
        f"**{len(flagged)} of {len(review)} workflows improved on none of the four** in their latest month: "
        + ", ".join(flagged["workflow"])
        + "."
    )
answers = {
    "has_cost_per_task_fallen": "Cost per task fell",
    "has_human_labour_fallen": "Human labour fell",
    "has_throughput_risen": "Throughput rose",
    "has_value_risen": "Value rose",
}
marked = review[["workflow", "team", "month", "compared_with", *answers, "improved_count"]].copy()
for column in answers:
    marked[column] = marked[column].map(_mark)
marked.insert(0, "flag", review["is_improving_nothing"].map({True: "⚠ Improving nothing", False: ""}))
table(
    marked,
    "budget_review",
    {
        "flag": st.column_config.TextColumn("Flag", width="medium"),
        "workflow": st.column_config.TextColumn("Workflow"),
        "team": st.column_config.TextColumn("Team"),
        "month": st.column_config.DateColumn("Month", format="MMM YYYY"),
        "compared_with": st.column_config.DateColumn(
            "Compared with", format="MMM YYYY", help="The workflow's previous month with tasks."
        ),
        "has_cost_per_task_fallen": st.column_config.TextColumn(
            "Cost per task fell?", help="Fully loaded cost per successful task is lower."
        ),
        "has_human_labour_fallen": st.column_config.TextColumn(
            "Human labour fell?", help="Human minutes per task are fewer."
        ),
        "has_throughput_risen": st.column_config.TextColumn(
            "Throughput rose?",
            help="Successful tasks per day of data are more (per day, so a partial month compares fairly).",
        ),
        "has_value_risen": st.column_config.TextColumn("Value rose?", help="Value per task is higher."),
        "improved_count": _number("Improved (of 4)"),
    },
    height="content",
)
with st.expander("The figures behind the answers"):
    st.caption("Each workflow's latest month beside the month it is compared with.")
    table(
        review[
            [
                "workflow",
                "month",
                "compared_with",
                "cost_per_successful_task_usd",
                "previous_cost_per_successful_task_usd",
                "human_minutes_per_task",
                "previous_human_minutes_per_task",
                "successful_tasks_per_day",
                "previous_successful_tasks_per_day",
                "value_per_task_usd",
                "previous_value_per_task_usd",
            ]
        ],
        "budget_review_figures",
        {
            "workflow": st.column_config.TextColumn("Workflow"),
            "month": st.column_config.DateColumn("Month", format="MMM YYYY"),
            "compared_with": st.column_config.DateColumn("Compared with", format="MMM YYYY"),
            "cost_per_successful_task_usd": _money("Cost per successful task"),
            "previous_cost_per_successful_task_usd": _money("Cost per successful task, before"),
            "human_minutes_per_task": _number("Human minutes per task", step=0.01),
            "previous_human_minutes_per_task": _number("Human minutes per task, before", step=0.01),
            "successful_tasks_per_day": _number("Successful tasks per day", step=0.01),
            "previous_successful_tasks_per_day": _number("Successful tasks per day, before", step=0.01),
            "value_per_task_usd": _money("Value per task"),
            "previous_value_per_task_usd": _money("Value per task, before"),
        },
        height="content",
    )
