"""Dated list prices from the genai-prices catalogue snapshot that ships with the package.

Prices are per million tokens, in USD, for the base tier (requests under a model's long-context
threshold). A cache write without its own price is billed as uncached input, as OpenAI does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

from genai_prices.data_snapshot import get_snapshot
from genai_prices.types import ModelInfo, ModelPrice, StartDateConstraint, TieredPrices

CATALOGUE_PACKAGE = "genai-prices"


@dataclass(frozen=True)
class TokenPrices:
    """USD per million tokens of each canonical token type."""

    input: Decimal
    cache_read: Decimal
    cache_write: Decimal
    output: Decimal


@dataclass(frozen=True)
class PricePeriod:
    """Prices that apply from `valid_from` (inclusive) until the next period starts."""

    valid_from: date
    prices: TokenPrices


@cache
def _model(provider_id: str, model_ref: str) -> ModelInfo:
    _provider, model = get_snapshot().find_provider_model(model_ref, None, provider_id, None)
    return model


def _base(price: Decimal | TieredPrices | None) -> Decimal | None:
    if isinstance(price, TieredPrices):
        return price.base
    return price


def _token_prices(model_price: ModelPrice) -> TokenPrices:
    input_price = _base(model_price.input_mtok)
    if input_price is None:
        raise LookupError("the catalogue has no input token price for this model")
    return TokenPrices(
        input=input_price,
        cache_read=_base(model_price.cache_read_mtok) or input_price,
        cache_write=_base(model_price.cache_write_mtok) or input_price,
        output=_base(model_price.output_mtok) or Decimal(0),
    )


# Providers' published Batch API discount, used where the catalogue has no batch price for the day.
BATCH_DISCOUNT = Decimal("0.5")


def list_prices(provider_id: str, model_ref: str, on: date, batch: bool = False) -> TokenPrices:
    """The catalogue's list prices for a model on a day, standard or Batch API."""
    moment = datetime(on.year, on.month, on.day, 12, tzinfo=UTC)
    model = _model(provider_id, model_ref)
    standard = _token_prices(model.get_prices(moment))
    if not batch:
        return standard
    batched = _token_prices(model.get_prices(moment, {"processing": "batch"}))
    if batched != standard:
        return batched
    return TokenPrices(
        *(
            price * BATCH_DISCOUNT
            for price in (standard.input, standard.cache_read, standard.cache_write, standard.output)
        )
    )


def price_periods(provider_id: str, model_ref: str) -> list[PricePeriod]:
    """Every dated price of a model, oldest first; the first applies from 2000-01-01."""
    prices = _model(provider_id, model_ref).prices
    if isinstance(prices, ModelPrice):
        return [PricePeriod(date(2000, 1, 1), _token_prices(prices))]
    periods = []
    for conditional in prices:
        constraint = conditional.constraint
        if constraint is None:
            start = date(2000, 1, 1)
        elif isinstance(constraint, StartDateConstraint):
            start = constraint.start_date
        else:
            continue
        periods.append(PricePeriod(start, _token_prices(conditional.prices)))
    return sorted(periods, key=lambda p: p.valid_from)
