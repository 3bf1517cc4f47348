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
