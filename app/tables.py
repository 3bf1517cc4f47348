"""Tables the dashboard shows, each with a CSV download that spreadsheets cannot run as formulas."""

from __future__ import annotations

import pandas as pd
import streamlit as st

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"); a leading apostrophe makes it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV, with every text cell that a spreadsheet would evaluate made inert."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(_inert)
    safe.columns = [_inert(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8")


def table(frame: pd.DataFrame, name: str, column_config: dict | None = None, **kwargs) -> None:
    """Show the frame and a button that downloads it as `<name>.csv`."""
    st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config, **kwargs)
    st.download_button(
        "Download CSV",
        csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"download_{name}",
        icon=":material/download:",
    )
