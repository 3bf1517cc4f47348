"""Dated list prices from the genai-prices catalogue snapshot that ships with the package.

Prices are per million tokens, in USD, for the base tier (requests under a model's long-context
threshold). A cache write without its own price is billed as uncached input, as OpenAI does. The
whole catalogue is also written to the warehouse (`raw.genai_prices`), one row per provider, model
and price period, so the warehouse prices usage with the same dated prices the generator used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from importlib.metadata import version

import duckdb
import pyarrow as pa
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
    return _periods_of(_model(provider_id, model_ref))


def _periods_of(model: ModelInfo) -> list[PricePeriod]:
    prices = model.prices
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


CATALOGUE_TABLE = "raw.genai_prices"
_OPEN_END = date(9999, 12, 31)


def catalogue_version() -> str:
    """The catalogue package and version the prices come from."""
    return f"{CATALOGUE_PACKAGE} {version(CATALOGUE_PACKAGE)}"


def catalogue_rows() -> list[tuple]:
    """One row per provider, model and price period, standard and Batch API prices per million tokens."""
    rows = []
    for provider in get_snapshot().providers:
        for model in provider.models:
            try:
                periods = _periods_of(model)
            except LookupError:
                continue  # priced per image, second or request, not per token
            ends = [p.valid_from for p in periods[1:]] + [_OPEN_END]
            for period, valid_to in zip(periods, ends, strict=True):
                batch = _batch_prices(model, period.valid_from)
                rows.append(
                    (
                        provider.id,
                        model.id,
                        model.name,
                        period.valid_from,
                        valid_to,
                        period.prices.input,
                        period.prices.cache_read,
                        period.prices.cache_write,
                        period.prices.output,
                        batch.input if batch else None,
                        batch.output if batch else None,
                    )
                )
    return rows


def _batch_prices(model: ModelInfo, on: date) -> TokenPrices | None:
    moment = datetime(on.year, on.month, on.day, 12, tzinfo=UTC)
    try:
        batched = _token_prices(model.get_prices(moment, {"processing": "batch"}))
    except LookupError:
        return None
    return batched if batched != _token_prices(model.get_prices(moment)) else None


def load_catalogue(con: duckdb.DuckDBPyConnection) -> int:
    """Write `raw.genai_prices` unless it already holds the installed catalogue; return its row count."""
    current = catalogue_version()
    con.execute("create schema if not exists raw")
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'genai_prices'"
    ).fetchone()[0]
    if (
        exists
        and con.execute(f"select count(*) from {CATALOGUE_TABLE} where catalogue = ?", [current]).fetchone()[
            0
        ]
    ):
        return con.execute(f"select count(*) from {CATALOGUE_TABLE}").fetchone()[0]
    con.execute(
        f"""create or replace table {CATALOGUE_TABLE} (
            provider_id varchar not null,
            model_id varchar not null,
            model_name varchar,
            valid_from date not null,
            valid_to date not null,
            input_usd_per_mtok decimal(38, 10) not null,
            cache_read_usd_per_mtok decimal(38, 10) not null,
            cache_write_usd_per_mtok decimal(38, 10) not null,
            output_usd_per_mtok decimal(38, 10) not null,
            batch_input_usd_per_mtok decimal(38, 10),
            batch_output_usd_per_mtok decimal(38, 10),
            catalogue varchar not null,
            primary key (provider_id, model_id, valid_from)
        )"""
    )
    rows = catalogue_rows()
    columns = list(zip(*rows, strict=True))
    names = [f"c{i}" for i in range(len(columns))]
    con.register("_catalogue", pa.table(dict(zip(names, columns, strict=True))))
    con.execute(f"insert into {CATALOGUE_TABLE} select *, ? from _catalogue", [current])
    con.unregister("_catalogue")
    return len(rows)
