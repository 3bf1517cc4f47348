"""Loading Anthropic cost report pages: cents kept exactly, restated days, bad amounts, broken files."""

from __future__ import annotations

import json
from decimal import Decimal

import duckdb

from ingest.anthropic_costs import SPEC
from ingest.loader import ingest_landing
from tests.conftest import FIXTURES, land, query

SOURCE = "anthropic_costs"
PULL_1 = "cost_report_2025-08-01T0600Z.json"
PULL_2 = "cost_report_2025-08-02T0600Z.json"


def _land(paths, name: str) -> None:
    land(paths, f"{SOURCE}/{name}", source=SOURCE, name=name)


def _write(paths, name: str, content: str) -> None:
    target = paths.landing / SOURCE / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content)


def _ingest(paths):
    paths.root.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.warehouse)) as con:
        return {
            load.file.removeprefix(f"{SOURCE}/"): load for load in ingest_landing(con, paths.landing, [SPEC])
        }


def test_cost_pages_load_with_cents_kept_exactly(paths):
    _land(paths, PULL_1)
    _land(paths, PULL_2)

    loads = _ingest(paths)

    assert [(f, load.status, load.rows_loaded, load.rows_quarantined) for f, load in loads.items()] == [
        (PULL_1, "loaded", 3, 0),
        (PULL_2, "loaded", 5, 0),
    ]
    # 123.78912 + 1000 + 0.000125 cents, then 250.5 + 2000 + 1.25E-4 + 30 cents (and one empty day).
    assert query(
        paths.warehouse,
        "select _file, count(*), count(amount), sum(amount) from raw.anthropic_costs_cost_report "
        "group by _file order by _file",
    ) == [
        (f"{SOURCE}/{PULL_1}", 3, 3, Decimal("1123.789245")),
        (f"{SOURCE}/{PULL_2}", 5, 4, Decimal("2280.500125")),
    ]
    assert query(
        paths.warehouse,
        "select workspace_id, description, cost_type, token_type, model, service_tier, amount, currency "
        "from raw.anthropic_costs_cost_report where _file like '%08-01T0600Z%' order by _row_number",
    ) == [
        ("wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ", "Claude Sonnet 4 Usage - Input Tokens", "tokens",
         "uncached_input_tokens", "claude-sonnet-4", "standard", Decimal("123.78912"), "USD"),
        ("wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ", "Claude Sonnet 4 Usage - Output Tokens", "tokens",
         "output_tokens", "claude-sonnet-4", "standard", Decimal("1000"), "USD"),
        (None, "Claude Haiku 4.5 Usage - Input Tokens (Cache Write 5m)", "tokens",
         "cache_creation.ephemeral_5m_input_tokens", "claude-haiku-4-5", "standard", Decimal("0.000125"),
         "USD"),
    ]  # fmt: skip


def test_a_restated_day_keeps_both_deliveries_traceable_by_load(paths):
    _land(paths, PULL_1)
    _land(paths, PULL_2)

    loads = _ingest(paths)

    assert query(
        paths.warehouse,
        "select _load_id, count(*), sum(amount) from raw.anthropic_costs_cost_report "
        "where starting_at = '2025-08-01T00:00:00Z' group by _load_id, _loaded_at order by _loaded_at",
    ) == [
        (loads[PULL_1].load_id, 3, Decimal("1123.789245")),
        (loads[PULL_2].load_id, 4, Decimal("2280.500125")),
    ]
    assert query(
        paths.warehouse,
        "select starting_at, is_empty_bucket, amount from raw.anthropic_costs_cost_report "
        "where starting_at = '2025-08-02T00:00:00Z'",
    ) == [("2025-08-02T00:00:00Z", True, None)]


def test_bad_amounts_are_quarantined_with_their_row_number_and_reason(paths):
    _land(paths, "cost_report_malformed.json")

    [load] = _ingest(paths).values()

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 4, 1, 3)
    assert query(paths.warehouse, "select sum(amount) from raw.anthropic_costs_cost_report") == [
        (Decimal(10),)
    ]
    assert query(paths.warehouse, "select row_number, reason from ingest.quarantine order by row_number") == [
        (2, "amount is negative: -5.000000000000000000"),
        (3, "amount is not a valid decimal(38, 18): twelve cents"),
        (4, "missing required field currency"),
    ]


def test_amounts_sent_as_json_numbers_or_in_scientific_notation_are_read_exactly(paths):
    page = json.loads((FIXTURES / SOURCE / PULL_1).read_text())
    results = page["data"][0]["results"]
    results[0]["amount"] = 123.78912
    results[1]["amount"] = "1E+3"
    _write(paths, PULL_1, json.dumps(page))

    _ingest(paths)

    assert query(
        paths.warehouse, "select amount from raw.anthropic_costs_cost_report order by _row_number"
    ) == [
        (Decimal("123.78912"),),
        (Decimal("1000"),),
        (Decimal("0.000125"),),
    ]


def test_a_broken_cost_file_is_rejected_and_nothing_of_it_remains(paths):
    text = (FIXTURES / SOURCE / PULL_2).read_text()
    _write(paths, "cost_report_2025-08-03T0600Z.json", text[: len(text) // 2])
    _land(paths, PULL_1)

    loads = _ingest(paths)

    broken = loads["cost_report_2025-08-03T0600Z.json"]
    assert broken.status == "rejected"
    assert broken.error.startswith("line 1 is not valid JSON")
    assert query(paths.warehouse, "select distinct _file from raw.anthropic_costs_cost_report") == [
        (f"{SOURCE}/{PULL_1}",)
    ]
    assert query(paths.warehouse, "select count(*) from ingest.quarantine") == [(0,)]


def test_a_usage_page_in_the_cost_folder_is_rejected_whole(paths):
    usage = json.loads((FIXTURES / "anthropic_usage" / "messages_2025-08-01T0600Z.json").read_text())
    _write(paths, "cost_report_2025-08-01T0600Z.json", json.dumps(usage))

    [load] = _ingest(paths).values()

    # Usage results have no amount: the file is not a cost report, and nothing of it loads.
    assert load.status == "rejected"
    assert load.error == (
        "none of its 2 records could be loaded as anthropic_costs rows; "
        "first problem, line 1: missing required field amount"
    )
