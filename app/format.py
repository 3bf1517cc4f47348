"""How the dashboard writes numbers."""

from __future__ import annotations

from decimal import Decimal


def money(amount: float | Decimal | None, currency: str = "USD") -> str:
    """An amount as currency with thousands separators: $1,234.56."""
    if amount is None:
        return "-"
    symbol = "$" if currency == "USD" else f"{currency} "
    value = float(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.2f}"


# A metric tile is a fifth or a quarter of the page wide: longer amounts are cut off with an ellipsis.
COMPACT_FROM = 100_000


def tile_money(amount: float | Decimal | None) -> str:
    """A USD amount short enough for a metric tile: exact below $100,000, then $456.8K, $2.39M, $1.20B."""
    if amount is None or abs(float(amount)) < COMPACT_FROM:
        return money(amount)
    value = float(amount)
    sign = "-" if value < 0 else ""
    for suffix, size, digits in (("K", 1e3, 1), ("M", 1e6, 2), ("B", 1e9, 2)):
        scaled = round(abs(value) / size, digits)
        if scaled < 1000 or suffix == "B":
            break
    return f"{sign}${scaled:,.{digits}f}{suffix}"
