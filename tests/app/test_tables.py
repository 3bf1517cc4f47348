"""Downloaded tables: a cell a spreadsheet would run as a formula arrives as inert text."""

from __future__ import annotations

import csv
import io

import pandas as pd

from app.tables import csv_bytes


def test_formula_looking_cells_are_made_inert_and_numbers_are_left_alone():
    frame = pd.DataFrame(
        {
            "holder": ["=cmd|' /C calc'!A0", "+1-555", "-2+3", "@SUM(A1)", "ana@northwind.example"],
            "monthly_price": [19.0, -5.5, 30.0, 0.0, 40.0],
        }
    )

    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8"))))

    assert rows == [
        ["holder", "monthly_price"],
        ["'=cmd|' /C calc'!A0", "19.0"],
        ["'+1-555", "-5.5"],
        ["'-2+3", "30.0"],
        ["'@SUM(A1)", "0.0"],
        ["ana@northwind.example", "40.0"],
    ]
