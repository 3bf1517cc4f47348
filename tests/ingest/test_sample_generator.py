"""The generator is deterministic and tells the story the warehouse must find."""

from __future__ import annotations

import hashlib
from datetime import date

from ingest.sample import generate
from ingest.sample.traffic import scale_for, simulate_day


def _digest(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_writes_the_same_bytes_and_another_seed_does_not(tmp_path):
    generate(tmp_path / "a", days=3, requests_per_day=200, seed=11)
    generate(tmp_path / "b", days=3, requests_per_day=200, seed=11)
    generate(tmp_path / "c", days=3, requests_per_day=200, seed=12)

    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert len([name for name in _digest(tmp_path / "a") if name.startswith("litellm/")]) == 3
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_regenerating_leaves_existing_files_untouched(tmp_path):
    generate(tmp_path, days=2, requests_per_day=100)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.jsonl")}

    generate(tmp_path, days=2, requests_per_day=100)

    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.jsonl")} == before


def test_a_window_starting_mid_month_still_bills_the_month_to_date(tmp_path):
    generate(tmp_path / "whole", days=22, requests_per_day=100, end=date(2026, 9, 22))
    generate(tmp_path / "tail", days=2, requests_per_day=100, end=date(2026, 9, 22))

    september_deliveries = (
        "aws_cur/cur2/northwind-cur2/data/BILLING_PERIOD=2026-09/2026-09-23T0400Z-00001.snappy.parquet",
        "focus/azure/northwind-focus-cost/20260901-20260930/20260923T0600Z/part_0_0001.csv",
        "focus/gcp/01C7A2-9F3E5B-4D8E61/202609/20260923T0500Z/focus-000000000000.csv.gz",
    )
    for delivery in september_deliveries:
        assert (tmp_path / "tail" / delivery).read_bytes() == (tmp_path / "whole" / delivery).read_bytes()


def test_a_days_traffic_does_not_depend_on_the_window_generated():
    scale = scale_for(500)
    day = date(2026, 6, 3)

    assert simulate_day(day, scale, 7).calls.equals(simulate_day(day, scale, 7).calls)


def test_volume_grows_faster_than_list_prices_fall():
    scale = scale_for(1000)
    first = simulate_day(date(2025, 11, 4), scale, 7).calls.to_pandas()
    last = simulate_day(date(2026, 10, 27), scale, 7).calls.to_pandas()
    tokens = ["prompt_tokens", "completion_tokens"]

    first_price = first["list_cost"].sum() / first[tokens].sum().sum()
    last_price = last["list_cost"].sum() / last[tokens].sum().sum()
    assert last_price < first_price * 0.8, "blended price per token falls by a fifth or more"
    assert last[tokens].sum().sum() > first[tokens].sum().sum() * 2.5, "tokens more than double"
    assert last["list_cost"].sum() > first["list_cost"].sum() * 1.5, "and the bill still rises"


def test_the_gateway_price_table_lags_a_catalogue_price_cut():
    # gpt-5.6-luna's list price fell on 2026-07-30; the gateway keeps the old price for three weeks.
    from ingest.sample.traffic import catalogue_prices, gateway_prices

    assert (
        catalogue_prices("gpt-5.6-luna", date(2026, 8, 5)).input
        < gateway_prices("gpt-5.6-luna", date(2026, 8, 5)).input
    )
    assert (
        catalogue_prices("gpt-5.6-luna", date(2026, 8, 25)).input
        == gateway_prices("gpt-5.6-luna", date(2026, 8, 25)).input
    )
