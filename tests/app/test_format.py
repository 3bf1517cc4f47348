"""How the dashboard writes amounts: exact in tables, short enough for a metric tile."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.format import money, tile_money


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (None, "-"),
        (Decimal("0"), "$0.00"),
        (Decimal("99999.994"), "$99,999.99"),
        (Decimal("-31160.44"), "-$31,160.44"),
        (Decimal("100000"), "$100.0K"),
        (Decimal("456789.12"), "$456.8K"),
        (Decimal("999960"), "$1.00M"),
        (Decimal("2386312.45"), "$2.39M"),
        (Decimal("-2386312.45"), "-$2.39M"),
        (Decimal("1204000000"), "$1.20B"),
        (Decimal("1500000000000"), "$1,500.00B"),
    ],
)
def test_tile_money_is_exact_below_100k_and_short_above(amount, shown):
    assert tile_money(amount) == shown


def test_money_stays_exact_for_large_amounts():
    assert money(Decimal("2386312.45")) == "$2,386,312.45"
    assert money(Decimal("-0.5"), "EUR") == "-EUR 0.50"
