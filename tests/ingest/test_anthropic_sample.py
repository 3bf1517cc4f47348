"""The Anthropic sample writers: deterministic daily pulls that restate each day and bill to the cent."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ingest import anthropic_costs, anthropic_usage
from ingest.loader import ingest_landing
from ingest.sample import company
from ingest.sample.anthropic import AnthropicCostWriter, AnthropicUsageWriter, cents_text, model_display_name
from ingest.sample.traffic import catalogue_prices, scale_for, simulate_day

# The CI bot moves from Claude Sonnet 4.5 to 4.6 on 1 April 2026: the window spans the switch.
FIRST = date(2026, 3, 30)
DAYS = 4
LAST = FIRST + timedelta(days=DAYS - 1)
GATEWAY_WORKSPACE, GATEWAY_KEY = company.ANTHROPIC_CREDENTIALS["gateway"]
CI_WORKSPACE, CI_KEY = company.ANTHROPIC_CREDENTIALS["anthropic"]


def _generate(out, seed: int = 7, requests_per_day: float = 400) -> pa.Table:
    """Write the window's pulls; return the Anthropic calls, each with the day it was simulated on."""
    scale = scale_for(requests_per_day)
    writers = [AnthropicUsageWriter(), AnthropicCostWriter()]
    calls = []
    with duckdb.connect() as con:
        for offset in range(DAYS):
            day = FIRST + timedelta(days=offset)
            traffic = simulate_day(day, scale, seed)
            for writer in writers:
                writer.add_day(con, day, traffic, out)
            anthropic = traffic.calls.filter(pc.equal(traffic.calls["provider"], "anthropic"))
            calls.append(anthropic.append_column("traffic_day", pa.array([day] * anthropic.num_rows)))
        for writer in writers:
            writer.finish(con, out, FIRST, LAST)
    return pa.concat_tables(calls)


def _digest(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The window's files, its calls, and a warehouse they were loaded into."""
    out = tmp_path_factory.mktemp("anthropic_sample")
    landing = out / "landing"
    calls = _generate(landing)
    warehouse = out / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        loads = ingest_landing(con, landing, [*anthropic_usage.SPECS, anthropic_costs.SPEC])
    return landing, calls.to_pylist(), warehouse, loads


def _in_window(call: dict) -> bool:
    return FIRST <= call["start_time"].date() <= LAST


def test_same_seed_writes_the_same_bytes_and_another_seed_does_not(tmp_path, sample):
    landing = sample[0]
    _generate(tmp_path / "again")
    _generate(tmp_path / "other", seed=8)

    assert _digest(tmp_path / "again") == _digest(landing)
    assert _digest(tmp_path / "other") != _digest(landing)
    pulls = [f"{FIRST + timedelta(days=d):%Y-%m-%d}T0600Z.json" for d in range(DAYS + 1)]
    assert sorted(_digest(landing)) == sorted(
        [f"anthropic_costs/cost_report_{p}" for p in pulls] + [f"anthropic_usage/messages_{p}" for p in pulls]
    )


def test_every_day_is_delivered_partial_then_restated_complete(sample):
    landing, calls, _warehouse, _loads = sample
    pulls = sorted((landing / "anthropic_usage").iterdir())
    buckets = [[(b["starting_at"], b["ending_at"]) for b in json.loads(p.read_text())["data"]] for p in pulls]

    days = [f"{FIRST + timedelta(days=d):%Y-%m-%d}T00:00:00Z" for d in range(DAYS + 1)]
    assert buckets == [
        [(days[0], days[1])],
        *([(days[d - 1], days[d]), (days[d], days[d + 1])] for d in range(1, DAYS)),
        [(days[DAYS - 1], days[DAYS])],
    ]
    # The 06:00 pull sees exactly the calls that started before 06:00.
    first_pull = json.loads(pulls[1].read_text())["data"][1]
    partial_output = sum(r["output_tokens"] for r in first_pull["results"])
    day = FIRST + timedelta(days=1)
    assert partial_output == sum(
        c["completion_tokens"] for c in calls if c["start_time"].date() == day and c["start_time"].hour < 6
    )
    assert 0 < partial_output < sum(c["completion_tokens"] for c in calls if c["start_time"].date() == day)


def test_pulls_load_with_nothing_quarantined(sample):
    loads = sample[3]

    assert len(loads) == 2 * (DAYS + 1)
    assert {(load.status, load.rows_quarantined, load.extra_columns) for load in loads} == {
        ("loaded", 0, None)
    }


def _latest(table: str) -> str:
    return f"""
        select * from raw.{table}
        where (starting_at, _loaded_at) in (
            select (starting_at, max(_loaded_at)) from raw.{table} group by starting_at)
    """


def test_each_days_bill_is_its_calls_list_cost_to_the_cent(sample):
    _landing, calls, warehouse, _loads = sample
    expected: dict[str, Decimal] = defaultdict(Decimal)
    list_cost: dict[str, float] = defaultdict(float)
    for c in filter(_in_window, calls):
        prices = catalogue_prices(c["model"], c["traffic_day"], c["batch"])
        uncached = c["prompt_tokens"] - c["cache_read_tokens"] - c["cache_write_tokens"]
        dollars = (
            uncached * prices.input
            + c["cache_read_tokens"] * prices.cache_read
            + c["cache_write_tokens"] * prices.cache_write
            + c["completion_tokens"] * prices.output
        ) / Decimal(1_000_000)
        key = f"{c['start_time']:%Y-%m-%d}T00:00:00Z"
        expected[key] += dollars
        list_cost[key] += c["list_cost"]

    with duckdb.connect(str(warehouse), read_only=True) as con:
        billed = dict(
            con.execute(
                f"select starting_at, sum(amount) * 0.01 from ({_latest('anthropic_costs_cost_report')}) "
                "group by starting_at"
            ).fetchall()
        )

    assert billed == dict(expected)
    for day, cost in list_cost.items():
        assert float(billed[day]) == pytest.approx(cost, rel=1e-12)
    assert sum(billed.values()) > Decimal(1)


def test_usage_counts_every_token_of_the_window_under_its_credential(sample):
    _landing, calls, warehouse, _loads = sample
    expected: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for c in filter(_in_window, calls):
        workspace, key = company.ANTHROPIC_CREDENTIALS[c["route"]]
        totals = expected[(workspace, key)]
        totals[0] += c["prompt_tokens"] - c["cache_read_tokens"] - c["cache_write_tokens"]
        totals[1] += c["cache_read_tokens"]
        totals[2] += c["cache_write_tokens"]
        totals[3] += c["completion_tokens"]

    with duckdb.connect(str(warehouse), read_only=True) as con:
        usage = con.execute(
            "select workspace_id, api_key_id, sum(uncached_input_tokens), sum(cache_read_input_tokens), "
            "sum(cache_creation_ephemeral_5m_input_tokens), sum(output_tokens), "
            "sum(cache_creation_ephemeral_1h_input_tokens) "
            f"from ({_latest('anthropic_usage_messages')}) where not is_empty_bucket "
            "group by all order by all"
        ).fetchall()

    assert usage == [(w, k, *expected[(w, k)], 0) for w, k in sorted(expected)]
    assert {(w, k) for w, k, *_ in usage} == {(CI_WORKSPACE, CI_KEY), (GATEWAY_WORKSPACE, GATEWAY_KEY)}


def test_the_ci_bots_key_bills_only_the_ci_workflows_models(sample):
    _landing, _calls, warehouse, _loads = sample

    with duckdb.connect(str(warehouse), read_only=True) as con:
        models = con.execute(
            "select distinct left(starting_at, 10), model, service_tier "
            f"from ({_latest('anthropic_usage_messages')}) where api_key_id = ? order by all",
            [CI_KEY],
        ).fetchall()

    ci = next(w for w in company.WORKFLOWS if w.workflow_id == "ci_code_fix")
    allowed = {ci.model_on(FIRST), ci.model_on(LAST), ci.fallback_model}
    assert {model for _day, model, _tier in models} <= allowed
    assert ("2026-03-31", "claude-sonnet-4-5", "standard") in models
    assert ("2026-04-02", "claude-sonnet-4-6", "standard") in models


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (Decimal("24.9725"), "24.972500"),
        (Decimal(1000), "1000.000000"),
        (Decimal("0.0000001875"), "0.0000001875"),
    ],
)
def test_cents_are_written_with_six_places_unless_more_are_needed(cents, text):
    assert cents_text(cents) == text
    assert Decimal(text) == cents


def test_bills_name_models_as_people_read_them():
    assert model_display_name("claude-sonnet-4-5") == "Claude Sonnet 4.5"
    assert model_display_name("claude-opus-4-1") == "Claude Opus 4.1"
