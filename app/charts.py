"""Chart shapes more than one page draws."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go


def stacked_bars(
    frame: pd.DataFrame,
    label: str,
    parts: tuple[tuple[str, str, str], ...],
    title: str,
    hover_value: str,
    legend_y: float = -0.12,
) -> go.Figure:
    """Horizontal bars, one per row of `frame` labelled by its `label` column, each stacked from `parts`
    (legend name, column, colour); `hover_value` is the Plotly format of a part's value on hover."""
    figure = go.Figure(
        [
            go.Bar(
                name=name,
                y=frame[label],
                x=frame[column],
                orientation="h",
                marker_color=colour,
                hovertemplate=f"%{{y}}: {hover_value}<extra>{name}</extra>",
            )
            for name, column, colour in parts
        ]
    )
    figure.update_layout(
        barmode="stack",
        title=title,
        legend={"orientation": "h", "y": legend_y, "traceorder": "normal"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    return figure
