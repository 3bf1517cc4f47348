"""One day of the sample company's AI traffic: tasks, the model calls they make, and their cost.

A task is one unit of business work. Its first call may fail at the API or return output that fails
validation; then it is retried once on the same model and once more on the workflow's fallback
model. On the day of `company.RETRY_LOOP` one workflow's tasks first make several extra calls whose
output is rejected. Calls are priced twice: at the catalogue's list price of the day (what the provider bills)
and at the gateway's price table, which follows catalogue changes a few weeks late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import numpy as np
import pyarrow as pa

from ingest.price_catalogue import TokenPrices, list_prices
from ingest.sample import company

MAX_ATTEMPTS = 3
# The retry loop's calls come this many microseconds apart, and from a random stream of their own.
RETRY_LOOP_BACKOFF_US = 3_000_000
_RETRY_LOOP_STREAM = 4_242
# Hours of the working day (UTC) weighted by how busy they are.
_HOUR_WEIGHTS = np.array(
    [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 11, 13, 14, 13, 11, 8, 5, 3, 2, 2, 1, 1], dtype=float
)
_HOUR_WEIGHTS /= _HOUR_WEIGHTS.sum()


_TIME = pa.timestamp("us")
CALL_SCHEMA = pa.schema(
    [
        ("model", pa.string()),
        ("provider", pa.string()),
        ("start_time", _TIME),
        ("end_time", _TIME),
        ("first_token_time", _TIME),
        ("status", pa.string()),
        ("prompt_tokens", pa.int64()),
        ("cache_read_tokens", pa.int64()),
        ("cache_write_tokens", pa.int64()),
        ("completion_tokens", pa.int64()),
        ("reasoning_tokens", pa.int64()),
        ("gateway_spend", pa.float64()),
        ("list_cost", pa.float64()),
        ("gateway_input_price", pa.float64()),
        ("gateway_cache_read_price", pa.float64()),
        ("gateway_cache_write_price", pa.float64()),
        ("gateway_output_price", pa.float64()),
        ("id_high", pa.int64()),
        ("id_low", pa.int64()),
        ("workflow_id", pa.string()),
        ("task_id", pa.string()),
        ("attempt", pa.int64()),
        ("key_alias", pa.string()),
        ("route", pa.string()),
        ("batch", pa.bool_()),
        ("traced", pa.bool_()),
    ]
)
TASK_SCHEMA = pa.schema(
    [
        ("task_id", pa.string()),
        ("workflow_id", pa.string()),
        ("started_at", _TIME),
        ("attempts", pa.int64()),
        ("outcome", pa.string()),
        ("human_minutes", pa.float64()),
        ("value_usd", pa.float64()),
        ("completed_at", _TIME),
    ]
)


@dataclass(frozen=True)
class DayTraffic:
    """Columns of one day's calls and tasks as Arrow tables."""

    calls: pa.Table
    tasks: pa.Table


def weekday_factor(day: date) -> float:
    """Work happens mostly on weekdays."""
    return 0.3 if day.weekday() >= 5 else 1.0


def _growth(rate: float, day: date) -> float:
    return (1 + rate) ** company.months_since_start(day)


def _story_days() -> list[date]:
    days = (company.DEFAULT_END - company.STORY_START).days + 1
    return [company.STORY_START + timedelta(d) for d in range(days)]


@cache
def calls_per_day_at_scale_one() -> float:
    """Average calls a day over the story year when volumes are not scaled."""
    total = 0.0
    for day in _story_days():
        workday = weekday_factor(day)
        for w in company.WORKFLOWS:
            calls_per_task = 1 + (w.unusable_rate + w.error_rate) * 1.1
            total += w.base_tasks * _growth(w.monthly_growth, day) * workday * calls_per_task
        total += _ad_hoc_calls(day) + company.LEGACY_BOT_CALLS * workday
    return total / len(_story_days())


def scale_for(requests_per_day: float) -> float:
    """Volume scale that makes the story year average `requests_per_day` calls a day."""
    return requests_per_day / calls_per_day_at_scale_one()


def _ad_hoc_calls(day: date) -> float:
    return (
        len(company.PERSONAL_KEY_HOLDERS)
        * company.AD_HOC_CALLS_PER_KEY
        * weekday_factor(day)
        * _growth(0.06, day)
    )


@cache
def catalogue_prices(model: str, day: date, batch: bool = False) -> TokenPrices:
    """List prices the provider bills for a model on a day, standard or Batch API."""
    m = company.MODELS[model]
    return list_prices(m.catalogue_provider, m.catalogue_ref, day, batch)


def gateway_prices(model: str, day: date) -> TokenPrices:
    """Prices in the gateway's table on a day: the catalogue as it was some weeks earlier, at the
    standard rate (it cannot tell a batched call), with no cache-write price for Claude, so cache
    writes are priced as plain input."""
    prices = catalogue_prices(model, day - timedelta(days=company.GATEWAY_PRICE_LAG_DAYS))
    if company.MODELS[model].provider == "anthropic":
        return TokenPrices(prices.input, prices.cache_read, prices.input, prices.output)
    return prices


def _per_token(prices: TokenPrices) -> np.ndarray:
    return (
        np.array(
            [float(prices.input), float(prices.cache_read), float(prices.cache_write), float(prices.output)]
        )
        / 1e6
    )


def _start_times(rng: np.random.Generator, day: date, n: int) -> np.ndarray:
    hours = rng.choice(24, size=n, p=_HOUR_WEIGHTS)
    micros = hours * 3_600_000_000 + rng.integers(0, 3_600_000_000, size=n)
    midnight = np.datetime64(datetime(day.year, day.month, day.day), "us")
    return midnight + micros.astype("timedelta64[us]")


def simulate_day(day: date, scale: float, seed: int) -> DayTraffic:
    """All calls and tasks of one calendar day; the same (day, scale, seed) gives the same traffic."""
    rng = np.random.default_rng([seed, day.toordinal()])
    call_parts, task_parts = [], []
    for index, workflow in enumerate(company.WORKFLOWS):
        calls, tasks = _workflow_day(rng, day, scale, index, workflow)
        loop = company.RETRY_LOOP
        if loop.workflow_id == workflow.workflow_id and loop.day == day:
            loop_rng = np.random.default_rng([seed, day.toordinal(), _RETRY_LOOP_STREAM])
            calls, tasks = _retry_loop(loop_rng, day, workflow, loop.extra_attempts, calls, tasks)
        call_parts.append(calls)
        task_parts.append(tasks)
    call_parts.append(_ad_hoc_day(rng, day, scale))
    return DayTraffic(
        calls=pa.concat_tables([pa.table(p, schema=CALL_SCHEMA) for p in call_parts]),
        tasks=pa.concat_tables([pa.table(p, schema=TASK_SCHEMA) for p in task_parts]),
    )


def _workflow_day(rng: np.random.Generator, day: date, scale: float, index: int, w: company.Workflow):
    n_tasks = rng.poisson(scale * w.base_tasks * _growth(w.monthly_growth, day) * weekday_factor(day))
    starts = np.sort(_start_times(rng, day, n_tasks))
    task_ids = np.array([f"{w.workflow_id}-{day:%Y%m%d}-{i:06d}" for i in range(n_tasks)], dtype=object)
    months = company.months_since_start(day)
    call_fails = w.unusable_rate + w.error_rate
    # Attempt k happens when every earlier attempt failed.
    attempts_failed = rng.random((n_tasks, MAX_ATTEMPTS)) < call_fails
    n_attempts = np.minimum(1 + np.cumprod(attempts_failed, axis=1)[:, :-1].sum(axis=1), MAX_ATTEMPTS)
    usable = ~attempts_failed[np.arange(n_tasks), n_attempts - 1]

    task_index = np.repeat(np.arange(n_tasks), n_attempts)
    attempt = np.concatenate([np.arange(1, k + 1) for k in n_attempts]) if n_tasks else np.zeros(0, int)
    is_last = attempt == n_attempts[task_index]
    failed_call = ~is_last | ~usable[task_index]
    is_error = failed_call & (rng.random(len(attempt)) < w.error_rate / call_fails)
    primary, fallback = w.model_on(day), w.fallback_model
    model = np.where(attempt >= MAX_ATTEMPTS, fallback, primary).astype(object)

    offsets = (attempt - 1) * rng.integers(2_000_000, 25_000_000, size=len(attempt))
    call_start = starts[task_index] + offsets.astype("timedelta64[us]")
    context, cache_share, batch = _call_shape(w, day)
    calls = _priced_calls(rng, day, call_start, model, is_error, context, w.output_tokens, cache_share, batch)
    n = len(attempt)
    calls.update(
        workflow_id=np.full(n, w.workflow_id, dtype=object),
        task_id=task_ids[task_index],
        attempt=attempt,
        key_alias=np.full(n, w.key_alias, dtype=object),
        route=np.full(n, w.route, dtype=object),
        batch=np.full(n, batch),
        traced=np.full(n, w.traced),
    )

    outcome, minutes = _task_outcomes(rng, w, usable, months)
    value = np.where(
        outcome == "succeeded", w.value_usd, np.where(outcome == "escalated", w.value_usd / 2, 0.0)
    )
    tasks = {
        "task_id": task_ids,
        "workflow_id": np.full(n_tasks, w.workflow_id, dtype=object),
        "started_at": starts,
        "attempts": n_attempts,
        "outcome": outcome,
        "human_minutes": np.round(minutes, 1),
        "value_usd": np.round(value, 2),
        "completed_at": starts
        + rng.integers(30_000_000, 3_600_000_000, size=n_tasks).astype("timedelta64[us]"),
    }
    return calls, tasks


def _call_shape(w: company.Workflow, day: date) -> tuple[float, float, bool]:
    """Mean input tokens per call, the share read from the cache, and whether calls are batched."""
    months = company.months_since_start(day)
    context = w.input_tokens * (1 + w.context_growth) ** max(months, 0)
    cache_share = np.interp(months, [0, 12], list(w.cache_share))
    return context, cache_share, w.batch_from is not None and day >= w.batch_from


def _retry_loop(
    rng: np.random.Generator, day: date, w: company.Workflow, extra: int, calls: dict, tasks: dict
) -> tuple[dict, dict]:
    """The workflow's calls and tasks with `extra` rejected calls on the primary model before each
    task's usual attempts, which move later and are numbered after them."""
    n_tasks = len(tasks["task_id"])
    task_index = np.repeat(np.arange(n_tasks), extra)
    attempt = np.tile(np.arange(1, extra + 1), n_tasks)
    backoff = ((attempt - 1) * RETRY_LOOP_BACKOFF_US).astype("timedelta64[us]")
    start = tasks["started_at"][task_index] + backoff
    model = np.full(len(attempt), w.model_on(day), dtype=object)
    context, cache_share, batch = _call_shape(w, day)
    no_errors = np.zeros(len(attempt), dtype=bool)
    looped = _priced_calls(rng, day, start, model, no_errors, context, w.output_tokens, cache_share, batch)
    n = len(attempt)
    looped.update(
        workflow_id=np.full(n, w.workflow_id, dtype=object),
        task_id=tasks["task_id"][task_index],
        attempt=attempt,
        key_alias=np.full(n, w.key_alias, dtype=object),
        route=np.full(n, w.route, dtype=object),
        batch=np.full(n, batch),
        traced=np.full(n, w.traced),
    )
    delay = np.timedelta64(extra * RETRY_LOOP_BACKOFF_US, "us")
    usual = {
        **calls,
        "start_time": calls["start_time"] + delay,
        "end_time": calls["end_time"] + delay,
        "first_token_time": calls["first_token_time"] + delay,
        "attempt": calls["attempt"] + extra,
    }
    merged = {name: np.concatenate([looped[name], usual[name]]) for name in usual}
    return merged, {**tasks, "attempts": tasks["attempts"] + extra}


def _task_outcomes(rng: np.random.Generator, w: company.Workflow, usable: np.ndarray, months: float):
    n = len(usable)
    # People get better at using the tools: fewer escalations and less correction as months pass.
    learning = max(0.55, 1 - 0.035 * max(months, 0))
    roll = rng.random(n)
    outcome = np.where(
        ~usable,
        np.where(roll < 0.7, "failed", "escalated"),
        np.where(
            roll < w.escalation_rate * learning, "escalated", np.where(roll > 0.995, "abandoned", "succeeded")
        ),
    ).astype(object)
    base = rng.lognormal(np.log(w.human_minutes * learning), 0.6, size=n)
    manual = rng.lognormal(np.log(w.human_minutes * 6), 0.5, size=n)
    minutes = np.select(
        [outcome == "succeeded", outcome == "escalated", outcome == "failed"],
        [base, manual * 0.7, manual],
        0.0,
    )
    return outcome, minutes


def _priced_calls(
    rng: np.random.Generator,
    day: date,
    start: np.ndarray,
    model: np.ndarray,
    is_error: np.ndarray,
    input_mean: float,
    output_mean: float,
    cache_share: float,
    batch: bool = False,
) -> dict[str, np.ndarray]:
    n = len(model)
    names, which = np.unique(model.astype(str), return_inverse=True)
    info = [company.MODELS[m] for m in names]
    prompt = np.maximum(1, rng.lognormal(np.log(input_mean), 0.45, size=n)).astype(np.int64)
    read_share = np.clip(rng.normal(cache_share, 0.12, size=n), 0, 0.95)
    cache_read = (prompt * read_share * (rng.random(n) < 0.85)).astype(np.int64)
    anthropic = np.array([m.provider in ("anthropic", "bedrock") for m in info], dtype=bool)[which]
    cache_write = np.where(anthropic & (cache_read == 0), (prompt * 0.3).astype(np.int64), 0)
    output = np.maximum(1, rng.lognormal(np.log(output_mean), 0.4, size=n)).astype(np.int64)
    reasoning = np.round(output * np.array([m.reasoning_share for m in info])[which]).astype(np.int64)
    for column in (prompt, cache_read, cache_write, output, reasoning):
        column[is_error] = 0
    uncached = prompt - cache_read - cache_write
    counts = np.stack([uncached, cache_read, cache_write, output], axis=1).astype(float)
    list_rate = np.stack([_per_token(catalogue_prices(m, day, batch)) for m in names] or [np.zeros(4)])[which]
    gateway_rate = np.stack([_per_token(gateway_prices(m, day)) for m in names] or [np.zeros(4)])[which]
    duration = (0.35 + output / rng.uniform(40, 120, size=n)) * 1e6
    duration[is_error] = rng.uniform(0.2e6, 30e6, size=int(is_error.sum()))
    return {
        "model": model,
        "provider": np.array([m.provider for m in info] or [""], dtype=object)[which],
        "start_time": start,
        "end_time": start + duration.astype("timedelta64[us]"),
        "first_token_time": start + (duration * 0.25).astype("timedelta64[us]"),
        "status": np.where(is_error, "failure", "success").astype(object),
        "prompt_tokens": prompt,
        "cache_read_tokens": cache_read,
        "cache_write_tokens": cache_write,
        "completion_tokens": output,
        "reasoning_tokens": reasoning,
        "gateway_spend": (counts * gateway_rate).sum(axis=1),
        "list_cost": (counts * list_rate).sum(axis=1),
        "gateway_input_price": gateway_rate[:, 0],
        "gateway_cache_read_price": gateway_rate[:, 1],
        "gateway_cache_write_price": gateway_rate[:, 2],
        "gateway_output_price": gateway_rate[:, 3],
        "id_high": rng.integers(0, 2**63, size=n, dtype=np.int64),
        "id_low": rng.integers(0, 2**63, size=n, dtype=np.int64),
    }


def _ad_hoc_day(rng: np.random.Generator, day: date, scale: float) -> dict[str, np.ndarray]:
    """Personal keys used by hand, and a legacy bot whose key belongs to no team."""
    keys, models = [], []
    for key in company.API_KEYS:
        if key.workflow_id is not None:
            continue
        if key.team_id is None:
            n = rng.poisson(scale * company.LEGACY_BOT_CALLS * weekday_factor(day))
            keys += [key.alias] * n
            models += [company.LEGACY_BOT_MODEL] * n
        else:
            mean = scale * company.AD_HOC_CALLS_PER_KEY * weekday_factor(day) * _growth(0.06, day)
            n = rng.poisson(mean)
            keys += [key.alias] * n
            models += list(rng.choice(company.AD_HOC_MODELS, size=n))
    n = len(keys)
    model = np.array(models, dtype=object)
    is_error = rng.random(n) < 0.01
    calls = _priced_calls(rng, day, _start_times(rng, day, n), model, is_error, 2500, 600, 0.1)
    calls.update(
        workflow_id=np.full(n, None, dtype=object),
        task_id=np.full(n, None, dtype=object),
        attempt=np.ones(n, dtype=np.int64),
        key_alias=np.array(keys, dtype=object),
        route=np.full(n, "gateway", dtype=object),
        batch=np.zeros(n, dtype=bool),
        traced=np.zeros(n, dtype=bool),
    )
    return calls
