"""Budgets and anomalies: each team's budget against its actual AI spend and a month-end forecast, and
the days a team's spend on a provider jumped far above its usual day, with where the jump came from."""

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from app import filters
from app.format import money, tile_money
from app.queries import budgets as queries
from app.tables import table

BUDGET_COLOUR = "#7f7f7f"
ACTUAL_COLOUR = "#1f77b4"
OVER_COLOUR = "#d62728"
FORECAST_COLOUR = "#9ecae1"
SERIES_KEY = "budgets_anomaly_series"
NO_BUDGET_NOTE = "No budget: spend no rule could allocate to a team"


def _money(label: str, help_text: str | None = None, usd: bool = True):
    # Budgets are compared in their own currency and never converted: a frame holding another currency
    # shows plain amounts beside a currency column rather than dollar signs on euros.
    return st.column_config.NumberColumn(label, format="dollar" if usd else "%,.2f", help=help_text)


def _only_usd(frame: pd.DataFrame) -> bool:
    return set(frame["currency"]) <= {"USD"}


def _label(frame: pd.DataFrame) -> pd.Series:
    """Team names, with the currency added when the frame holds more than one."""
    if frame["currency"].nunique() <= 1:
        return frame["team"]
    return frame["team"] + " (" + frame["currency"] + ")"


def _note(row: pd.Series) -> str:
    if row["team_id"] == "unallocated":
        return NO_BUDGET_NOTE
    if row["is_budget_comparable"]:
        return ""
    if pd.isna(row["budget_currency"]):
        return "No budget for this month"
    return f"Budget is in {row['budget_currency']}: not compared"


st.title("Budgets and anomalies")
picked = filters.current()
month = picked.months[1]
st.caption(
    "Each team's AI spend against its monthly budget, and the days a team's spend on one provider jumped "
    "far above its usual day. Actual is billed cost from every provider bill, seat listing and cloud "
    "export allocated to the team: model usage and seat licences. **The workflow filter applies to "
    "neither section**: budgets are set per team for all its AI spend, and a flagged day is the team's "
    "whole spend on a provider (its top workflow is shown as context)."
)

# Budgets for the period's last month -------------------------------------------------------------------
st.header(f"Budget, actual and forecast: {month:%B %Y}")
status = queries.budget_status(picked)
if not status["team_rows"]:
    st.info(
        f"No AI spend and no budget for {month:%B %Y} in the selected teams. Budgets come from the "
        "budgets reference file (`reference/budgets` in the landing folder) and spend from provider "
        "bills; land them and run the pipeline (`aispend run`), or widen the filters."
    )
else:
    as_of = pd.Timestamp(status["as_of_date"])
    st.caption(
        f"{month:%B %Y} is the period's last month. Budgets are monthly, so the month counts whole, "
        f"through the newest day with usage data ({as_of:%d %b %Y}), whatever day the period ends on. "
        + (
            "The month is complete: its forecast is its actual. "
            if status["is_month_complete"]
            else "Forecast = actual so far + the team's average daily usage over the last 7 days of data "
            "x the days left in the month (seat licences are charged on the 1st, so they are already in "
            "actual). "
        )
        + "The period and team filters apply; **the provider filter does not**: a budget covers all the "
        "team's AI spend, whichever provider served it. Unallocated spend has no budget: it shows without "
        "one."
    )
    if picked.providers:
        st.caption(f"Provider filter set ({', '.join(picked.providers)}): not applied to budgets.")

    budgeted = int(status["budgeted_teams"])
    cols = st.columns(4)
    cols[0].metric(
        "Teams over budget",
        f"{int(status['teams_over'])} of {budgeted}",
        help="Teams whose actual spend in the month is above their budget.",
    )
    cols[1].metric(
        "Teams forecast over budget",
        f"{int(status['teams_forecast_over'])} of {budgeted}",
        help="Teams whose month-end forecast is above their budget.",
    )
    cols[2].metric(
        "Budget used",
        f"{status['actual'] / status['budget']:.1%}" if status["budget"] else "-",
        help=f"Actual over budget of the teams with a budget: {money(status['actual'])} of "
        f"{money(status['budget'])}; forecast {money(status['forecast'])}.",
    )
    cols[3].metric(
        "Spend without a budget",
        tile_money(status["unbudgeted_actual"]),
        help="Unallocated spend (no rule ties it to a team) and any spend in a currency the team's "
        "budget is not in: counted nowhere against a budget.",
    )
    if not budgeted:
        st.caption(f"None of the selected teams has a budget for {month:%B %Y}.")
    if status["currencies"] > 1:
        st.caption(
            "The teams' spend is in more than one currency: each amount is in its row's currency, never "
            "converted, and the totals above add the budgeted rows as they are."
        )

    by_team = queries.budget_month(picked)
    usd = _only_usd(by_team)
    chart = by_team.assign(label=_label(by_team)).iloc[::-1]
    over = chart["is_over_budget"].fillna(False).astype(bool)
    # Horizontal bars of a group stack upwards from the first trace: add them bottom first so each team
    # reads budget, actual, forecast from the top, like the legend.
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            name="Forecast",
            y=chart["label"],
            x=chart["forecast"],
            orientation="h",
            marker_color=FORECAST_COLOUR,
            offsetgroup="forecast",
            hovertemplate="%{y}: month-end forecast %{x:,.2f}<extra></extra>",
        )
    )
    for name, rows, colour in (
        ("Actual, over budget", over, OVER_COLOUR),
        ("Actual", ~over, ACTUAL_COLOUR),
    ):
        if rows.any():
            figure.add_trace(
                go.Bar(
                    name=name,
                    y=chart.loc[rows, "label"],
                    x=chart.loc[rows, "actual"],
                    orientation="h",
                    marker_color=colour,
                    offsetgroup="actual",
                    hovertemplate="%{y}: actual %{x:,.2f}<extra></extra>",
                )
            )
    figure.add_trace(
        go.Bar(
            name="Budget",
            y=chart["label"],
            x=chart["budget"],
            orientation="h",
            marker_color=BUDGET_COLOUR,
            offsetgroup="budget",
            hovertemplate="%{y}: budget %{x:,.2f}<extra></extra>",
        )
    )
    figure.update_layout(
        barmode="group",
        height=max(280, 100 + 60 * len(chart)),
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "traceorder": "reversed"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    figure.update_xaxes(tickprefix="$" if usd else "", tickformat=",.0f")
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "For each team, the grey bar is its budget, the blue bar what it has spent (red when over the "
        "budget) and the light bar where the month is heading; a team without a grey bar has no budget."
    )

    shown = by_team.assign(note=by_team.apply(_note, axis=1))
    columns = [
        "team",
        "currency",
        "budget",
        "actual",
        "forecast",
        "share_used",
        "variance",
        "forecast_variance",
        "is_over_budget",
        "is_forecast_over_budget",
        "usage",
        "seats_and_other",
        "days_with_data",
        "note",
    ]
    if usd and by_team["currency"].nunique() <= 1:
        columns.remove("currency")
    table(
        shown[columns],
        f"budgets_{month:%Y_%m}",
        {
            "team": st.column_config.TextColumn("Team"),
            "currency": st.column_config.TextColumn("Currency"),
            "budget": _money("Budget", usd=usd),
            "actual": _money("Actual", "AI spend allocated to the team in the month so far.", usd),
            "forecast": _money("Forecast", "Where the month is heading by its end.", usd),
            "share_used": st.column_config.ProgressColumn(
                "Budget used", help="Actual over budget.", format="percent", min_value=0.0, max_value=1.0
            ),
            "variance": _money("Over (+) / under (-) budget", "Actual minus budget.", usd),
            "forecast_variance": _money("Forecast over (+) / under (-)", "Forecast minus budget.", usd),
            "is_over_budget": st.column_config.CheckboxColumn("Over budget"),
            "is_forecast_over_budget": st.column_config.CheckboxColumn("Forecast over budget"),
            "usage": _money("Model usage", "The part of actual that is model usage.", usd),
            "seats_and_other": _money(
                "Seats and other", "Seat licences and any purchase, credit or adjustment.", usd
            ),
            "days_with_data": st.column_config.NumberColumn(
                "Days with data",
                help=f"Days of the month with usage data (of {int(by_team.loc[0, 'days_in_month'])}).",
            ),
            "note": st.column_config.TextColumn("Note"),
        },
        height="content",
    )

    st.subheader("Month by month")
    months = queries.budget_months(picked)
    # Months as labels on a category axis: a date axis puts ticks between months and one month gets a
    # time-of-day axis.
    month_labels = [f"{m:%b %Y}" for m in sorted(set(pd.to_datetime(months["month"])))]
    months = months.assign(label=_label(months), month=pd.to_datetime(months["month"]).dt.strftime("%b %Y"))
    labels = list(dict.fromkeys(months["label"]))
    in_legend: set[str] = set()

    def _first(name: str) -> bool:
        """True the first time a series is drawn, so the legend names it once for all panels."""
        shown = name in in_legend
        in_legend.add(name)
        return not shown

    columns_per_row = min(3, len(labels))
    rows = math.ceil(len(labels) / columns_per_row)
    figure = make_subplots(
        rows=rows,
        cols=columns_per_row,
        subplot_titles=labels,
        shared_xaxes=True,
        vertical_spacing=0.3 / rows,
        horizontal_spacing=0.06,
    )
    for index, label in enumerate(labels):
        team_months = months[months["label"] == label]
        row, col = divmod(index, columns_per_row)
        over_months = team_months["is_over_budget"].fillna(False).astype(bool)
        figure.add_trace(
            go.Bar(
                name="Actual",
                legendgroup="actual",
                showlegend=_first("actual"),
                x=team_months["month"],
                y=team_months["actual"],
                marker_color=[OVER_COLOUR if o else ACTUAL_COLOUR for o in over_months],
                hovertemplate="%{x}: actual %{y:,.2f}<extra>" + label + "</extra>",
            ),
            row=row + 1,
            col=col + 1,
        )
        ahead = team_months[team_months["forecast"] != team_months["actual"]]
        if not ahead.empty:
            figure.add_trace(
                go.Scatter(
                    name="Forecast",
                    legendgroup="forecast",
                    showlegend=_first("forecast"),
                    x=ahead["month"],
                    y=ahead["forecast"],
                    mode="markers",
                    marker={"color": FORECAST_COLOUR, "symbol": "diamond", "size": 10},
                    hovertemplate="%{x}: forecast %{y:,.2f}<extra>" + label + "</extra>",
                ),
                row=row + 1,
                col=col + 1,
            )
        if team_months["budget"].notna().any():
            figure.add_trace(
                go.Scatter(
                    name="Budget",
                    legendgroup="budget",
                    showlegend=_first("budget"),
                    x=team_months["month"],
                    y=team_months["budget"],
                    mode="lines+markers",
                    line={"color": "#444444", "width": 2},
                    marker={"size": 6},
                    hovertemplate="%{x}: budget %{y:,.2f}<extra>" + label + "</extra>",
                ),
                row=row + 1,
                col=col + 1,
            )
    figure.update_layout(
        height=80 + 260 * rows,
        legend={"orientation": "h", "y": 1.0, "yanchor": "top", "x": 0, "yref": "container"},
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        bargap=0.15,
    )
    figure.update_yaxes(tickprefix="$" if _only_usd(months) else "", tickformat=",.2~f", rangemode="tozero")
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=month_labels, tickangle=-45)
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "One panel per team, each on its own scale: bars are the month's actual spend (red when over "
        "budget), the dark line the budget; a bar above the line is a month over budget. "
        + ("A light diamond is where an unfinished month is heading. " if "forecast" in in_legend else "")
        + "Unallocated has no line: it has no budget."
    )

# Flagged days -----------------------------------------------------------------------------------------
st.header("Flagged days")
st.markdown(
    "A day is flagged when a team's model-usage spend on one provider is far above its usual day. The "
    "usual day is the **median** of the team's spend on that provider over the **28 days before** "
    "(days the ledger has no data for are skipped; days it has data but the team spent nothing count as "
    "zero), and the spread is the **median absolute deviation (MAD)**; the day's **robust z-score**, "
    "0.6745 x (spend - median) / MAD, must be **above 3.5**. Medians barely move for one odd day, so an "
    "earlier spike does not hide the next. **Only spikes are flagged**: quiet days (weekends) score "
    "below zero and are not. A day is not scored when fewer than 14 days precede it, or when the team "
    "used the provider on fewer than 3 in 4 of them (no daily habit to deviate from). Seat licences are "
    "monthly fees, not daily spend, and are left out."
)
st.caption(
    "How to read a flagged day: **times usual** says how big the jump was, **above usual** what it cost "
    "extra; when one **top workflow** has most of the day's spend, one job caused it (a retry loop, a "
    "re-run batch), and the top model says which model it called. The period, team and provider "
    "filters apply."
)
anomaly_status = queries.anomaly_status(picked)
if not anomaly_status["series_days"]:
    st.info(
        "No model-usage spend in the selected period, teams and providers, so no day to score. Usage "
        "comes from provider bills, usage exports and gateway logs; land them and run the pipeline "
        "(`aispend run`), or widen the filters."
    )
    st.stop()

cols = st.columns(3)
cols[0].metric(
    "Flagged days",
    f"{int(anomaly_status['flagged_days']):,}",
    help="Team-provider days whose robust z-score is above 3.5.",
)
cols[1].metric(
    "Spend above usual on flagged days",
    tile_money(anomaly_status["above_usual"]),
    help="What the flagged days cost above their usual day (the baseline median), added up.",
)
cols[2].metric(
    "Days scored",
    f"{int(anomaly_status['scored_days']):,} of {int(anomaly_status['series_days']):,}",
    help="Team-provider days with spend that had a baseline to score against.",
)

flagged = queries.anomalies(picked)
if flagged.empty:
    st.info(
        "No flagged days in the selected period, teams and providers: no team's daily spend on a provider "
        "went above 3.5 robust z-scores of its usual day."
    )
else:
    anomaly_usd = _only_usd(flagged)
    anomaly_columns = [
        "day",
        "team",
        "provider",
        "currency",
        "spend",
        "usual_spend",
        "above_usual",
        "times_usual",
        "z_score",
        "top_workflow",
        "top_workflow_share",
        "top_model",
        "top_model_share",
    ]
    if anomaly_usd:
        anomaly_columns.remove("currency")
    table(
        flagged[anomaly_columns],
        "flagged_days",
        {
            "day": st.column_config.DateColumn("Day", format="YYYY-MM-DD"),
            "team": st.column_config.TextColumn("Team"),
            "provider": st.column_config.TextColumn("Provider"),
            "currency": st.column_config.TextColumn("Currency"),
            "spend": _money("Spend", "The team's model-usage spend on the provider that day.", anomaly_usd),
            "usual_spend": _money(
                "Usual day",
                "Median daily spend over the 28 days before (zero-spend days included).",
                anomaly_usd,
            ),
            "above_usual": _money("Above usual", "Spend minus the usual day.", anomaly_usd),
            "times_usual": st.column_config.NumberColumn(
                "Times usual", help="Spend over the usual day.", format="%.1fx"
            ),
            "z_score": st.column_config.NumberColumn(
                "Robust z", help="0.6745 x (spend - median) / MAD; flagged above 3.5.", format="%.1f"
            ),
            "top_workflow": st.column_config.TextColumn("Top workflow"),
            "top_workflow_share": st.column_config.NumberColumn(
                "Workflow's share", help="The top workflow's share of the day's spend.", format="percent"
            ),
            "top_model": st.column_config.TextColumn("Top model"),
            "top_model_share": st.column_config.NumberColumn(
                "Model's share", help="The top model's share of the day's spend.", format="percent"
            ),
        },
    )

st.subheader("One team and provider, day by day")
series = queries.anomaly_series(picked)
keys = list(zip(series["team_id"], series["provider"], series["currency"], strict=True))
several_currencies = series["currency"].nunique() > 1
names = {
    key: f"{team} · {provider}"
    + (f" ({currency})" if several_currencies else "")
    + (f": {int(flags)} flagged day{'s' if flags != 1 else ''}" if flags else "")
    for key, team, provider, currency, flags in zip(
        keys, series["team"], series["provider"], series["currency"], series["flagged_days"], strict=True
    )
}
# The series of the newest flagged day unless the user picked one the filters still keep.
if st.session_state.get(SERIES_KEY) not in keys:
    st.session_state[SERIES_KEY] = keys[0]
chosen = st.selectbox(
    "Team and provider",
    keys,
    format_func=names.get,
    key=SERIES_KEY,
    help="Starts on the series of the newest flagged day; those with flagged days come first.",
)
days = queries.series_days(picked, *chosen)
marked = days[days["is_anomaly"]]
figure = go.Figure(
    [
        go.Scatter(
            name="Spend",
            x=days["day"],
            y=days["spend"],
            mode="lines",
            line={"color": ACTUAL_COLOUR, "width": 1.5},
            hovertemplate="%{x|%a %d %b %Y}: %{y:,.4f}<extra>Spend</extra>",
        ),
        go.Scatter(
            name="Usual day (median of the 28 days before)",
            x=days["day"],
            y=days["usual_spend"],
            mode="lines",
            connectgaps=True,
            line={"color": BUDGET_COLOUR, "dash": "dash"},
            hovertemplate="%{x|%a %d %b %Y}: %{y:,.4f}<extra>Usual day</extra>",
        ),
        go.Scatter(
            name="Flagged day",
            x=marked["day"],
            y=marked["spend"],
            mode="markers",
            marker={"color": OVER_COLOUR, "size": 11, "line": {"color": "white", "width": 1}},
            customdata=marked[["times_usual", "z_score"]],
            hovertemplate="%{x|%a %d %b %Y}: %{y:,.4f}, %{customdata[0]:.1f}x usual, z %{customdata[1]:.1f}"
            "<extra>Flagged</extra>",
        ),
    ]
)
figure.update_layout(
    height=380,
    legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    margin={"l": 10, "r": 10, "t": 30, "b": 10},
    hovermode="closest",
)
figure.update_yaxes(tickprefix="$" if chosen[2] == "USD" else "", rangemode="tozero")
st.plotly_chart(figure, width="stretch")
st.caption(
    "The blue line is the day's spend (zero on days the team did not use the provider), the dashed line "
    "its usual day; red dots are flagged days, where spend jumped far above the dashed line. Hover a dot "
    "for how many times usual it was."
)
