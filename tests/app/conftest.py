"""Helpers shared by the dashboard's AppTests: open a page on a published warehouse, read what it shows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from orchestration.paths import DATA_DIR_VARIABLE

APP = str(Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py")


def open_page(data_root: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> AppTest:
    """Run the dashboard on the warehouse in `data_root`, opened at `page` ("views/<name>.py")."""
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(data_root))
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def shown_metrics(app: AppTest) -> dict[str, str]:
    """Every metric on the page: label to the value as shown."""
    return {metric.label: metric.value for metric in app.metric}


def table_starting_with(app: AppTest, *columns: str) -> pd.DataFrame:
    """The one table on the page whose first columns are `columns`."""
    [frame] = [d.value for d in app.dataframe if list(d.value.columns[: len(columns)]) == list(columns)]
    return frame
