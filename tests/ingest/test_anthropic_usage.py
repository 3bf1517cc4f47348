"""Loading Anthropic usage reports: messages pages and Claude Code pages, restatements, bad input."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal

import duckdb
import pytest

from ingest.anthropic_usage import SPECS
from ingest.loader import ingest_landing
from tests.conftest import FIXTURES, land, query

SOURCE = "anthropic_usage"
PULL_1 = "messages_2025-08-01T0600Z.json"
PULL_2 = "messages_2025-08-02T0600Z.json"
PULL_3 = "messages_2025-08-03T0600Z.jsonl"
CLAUDE_CODE = "claude_code_2025-08-08T1200Z.json"
TOKENS = (
    "sum(uncached_input_tokens), sum(cache_read_input_tokens), "
    "sum(cache_creation_ephemeral_5m_input_tokens), sum(cache_creation_ephemeral_1h_input_tokens), "
    "sum(output_tokens), sum(server_tool_use_web_search_requests)"
)


def _land(paths, name: str) -> None:
    land(paths, f"{SOURCE}/{name}", source=SOURCE, name=name)


def _write(paths, name: str, content: str | bytes) -> None:
    target = paths.landing / SOURCE / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)


def _ingest(paths):
    paths.root.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.warehouse)) as con:
        return {
            load.file.removeprefix(f"{SOURCE}/"): load for load in ingest_landing(con, paths.landing, SPECS)
        }


def _page(*buckets) -> str:
    return json.dumps({"data": list(buckets), "has_more": False, "next_page": None})


def test_each_result_is_a_row_with_its_bucket_and_an_empty_bucket_is_one_row(paths):
    _land(paths, PULL_1)
    _land(paths, PULL_2)

    loads = _ingest(paths)

    assert [
        (f, load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) for f, load in loads.items()
    ] == [
        (PULL_1, "loaded", 2, 2, 0),
        (PULL_2, "loaded", 4, 4, 0),
    ]
    assert query(
        paths.warehouse,
        f"select _file, count(*), {TOKENS} from raw.anthropic_usage_messages group by _file order by _file",
    ) == [
        (f"{SOURCE}/{PULL_1}", 2, 1500, 200, 300, 0, 500, 1),
        (f"{SOURCE}/{PULL_2}", 4, 6400, 2200, 1100, 2000, 2250, 13),
    ]
    assert query(
        paths.warehouse,
        "select starting_at, ending_at, is_empty_bucket, model, workspace_id, api_key_id, _row_number "
        "from raw.anthropic_usage_messages where _file like '%08-02T0600Z%' order by _row_number",
    ) == [
        ("2025-08-01T00:00:00Z", "2025-08-02T00:00:00Z", False, "claude-sonnet-4-5",
         "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ", "apikey_01Rj2N8SVvo6BePZj99NhmiT", 1),
        ("2025-08-01T00:00:00Z", "2025-08-02T00:00:00Z", False, "claude-haiku-4-5", None, None, 2),
        ("2025-08-01T00:00:00Z", "2025-08-02T00:00:00Z", False, "claude-opus-4-6",
         "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ", "apikey_01Rj2N8SVvo6BePZj99NhmiT", 3),
        ("2025-08-02T00:00:00Z", "2025-08-03T00:00:00Z", True, None, None, None, 4),
    ]  # fmt: skip


def test_a_restated_bucket_keeps_every_delivery_in_raw_in_pull_order(paths):
    _land(paths, PULL_2)
    _land(paths, PULL_1)

    loads = _ingest(paths)

    # Files load in name order, so the older pull loads first whatever order they landed in.
    assert loads[PULL_1].started_at < loads[PULL_2].started_at
    assert query(
        paths.warehouse,
        "select _load_id, sum(uncached_input_tokens), sum(output_tokens) from raw.anthropic_usage_messages "
        "where starting_at = '2025-08-01T00:00:00Z' group by _load_id, _loaded_at order by _loaded_at",
    ) == [(loads[PULL_1].load_id, 1500, 500), (loads[PULL_2].load_id, 6400, 2250)]


def test_json_lines_of_pages_nested_and_flattened_cache_writes_load_alike(paths):
    _land(paths, PULL_3)

    [load] = _ingest(paths).values()

    assert (load.status, load.rows_loaded, load.rows_quarantined, load.extra_columns) == (
        "loaded",
        2,
        0,
        None,
    )
    assert query(
        paths.warehouse,
        "select starting_at, uncached_input_tokens, cache_read_input_tokens, "
        "cache_creation_ephemeral_5m_input_tokens, cache_creation_ephemeral_1h_input_tokens, output_tokens, "
        "server_tool_use_web_search_requests, account_id, service_account_id, context_window, inference_geo "
        "from raw.anthropic_usage_messages order by _row_number",
    ) == [
        ("2025-08-02T00:00:00Z", 700, 50, 100, 0, 70, None, None, None, None, None),
        ("2025-08-03T02:00:00+02:00", 1500, 200, 500, 1000, 500, 10,
         "user_01WCz1FkmYMm4gnmykNKUu3Q", "svac_01Hk3R9TWxq7CfQak00OiVw4", "0-200k", "global"),
    ]  # fmt: skip


def test_malformed_results_are_quarantined_with_their_row_number_and_reason(paths):
    _land(paths, "messages_malformed.json")

    [load] = _ingest(paths).values()

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 5, 1, 4)
    assert query(paths.warehouse, f"select {TOKENS} from raw.anthropic_usage_messages") == [
        (10, 0, 0, 0, 5, None)
    ]
    assert query(paths.warehouse, "select row_number, reason from ingest.quarantine order by row_number") == [
        (2, "output_tokens is negative: -5"),
        (3, "uncached_input_tokens is not a valid bigint: 12.5"),
        (4, "cache_creation is not a JSON object"),
        (5, "starting_at is not an RFC 3339 timestamp"),
    ]
    [(raw_text,)] = query(paths.warehouse, "select raw_text from ingest.quarantine where row_number = 5")
    assert '"starting_at": "2025-08-06 at noon"' in raw_text


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ('{"data": [{"starting_at": "2025-08-01T00:00:00Z", "results": [', "not valid JSON: "),
        ('{"error": {"type": "rate_limit_error"}}', "page 1 is not a usage_report/messages response"),
        (
            _page({"starting_at": "2025-08-01T00:00:00Z", "results": []}) + '\n{"error": "overloaded"}\n',
            "page 2 is not a usage_report/messages response",
        ),
        (
            _page({"starting_at": "2025-08-01T00:00:00Z", "results": [1, 2]}),
            "page 1, data[0].results[0] is not an object",
        ),
        (
            _page({"date": "2025-08-08T00:00:00Z", "actor": {"type": "user_actor"}, "model_breakdown": []}),
            "page 1, data[0] has no 'results' list: not a usage_report/messages response "
            "(a Claude Code report belongs in a file named claude_code*)",
        ),
    ],
)
def test_a_file_that_is_not_messages_pages_is_rejected_whole(paths, content, error):
    _write(paths, "messages_2025-08-09T0600Z.json", content)
    _land(paths, PULL_1)

    loads = _ingest(paths)

    broken = loads["messages_2025-08-09T0600Z.json"]
    assert broken.status == "rejected"
    assert broken.error.startswith(error)
    assert loads[PULL_1].status == "loaded"
    assert query(paths.warehouse, "select distinct _file from raw.anthropic_usage_messages") == [
        (f"{SOURCE}/{PULL_1}",)
    ]


def test_a_file_named_like_neither_report_is_rejected_with_the_expected_names(paths):
    _write(paths, "usage_2025-08-01.json", (FIXTURES / SOURCE / PULL_1).read_text())

    [load] = _ingest(paths).values()

    assert (load.status, load.error) == (
        "rejected",
        "no anthropic_usage file is named like this; expected: messages*, claude_code*",
    )


def test_a_pull_of_empty_buckets_loads_and_says_so(paths):
    empty = [
        {"starting_at": f"2025-08-0{d}T00:00:00Z", "ending_at": f"2025-08-0{d + 1}T00:00:00Z", "results": []}
        for d in (1, 2)
    ]
    _write(paths, "messages_2025-08-02T0600Z.json", _page(*empty))

    [load] = _ingest(paths).values()

    assert (load.status, load.rows_loaded) == ("loaded", 2)
    assert query(
        paths.warehouse,
        "select starting_at, is_empty_bucket, output_tokens from raw.anthropic_usage_messages",
    ) == [("2025-08-01T00:00:00Z", True, None), ("2025-08-02T00:00:00Z", True, None)]


def test_gzipped_pages_and_new_fields_load_with_the_drift_noted(paths):
    page = json.loads((FIXTURES / SOURCE / PULL_1).read_text())
    page["data"][0]["results"][0]["speed"] = "fast"
    _write(paths, "messages_2025-08-01T0600Z.json.gz", gzip.compress(json.dumps(page).encode()))

    [load] = _ingest(paths).values()

    assert (load.status, load.rows_loaded, load.extra_columns) == ("loaded", 2, "speed")
    assert query(
        paths.warehouse, "select _extra::varchar from raw.anthropic_usage_messages order by _row_number"
    ) == [
        ('{"speed":"fast"}',),
        (None,),
    ]


def test_claude_code_report_is_one_row_per_actor_day_and_model(paths):
    _land(paths, CLAUDE_CODE)

    [load] = _ingest(paths).values()

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 4, 4, 0)
    assert query(
        paths.warehouse,
        "select report_date, actor_type, actor_email_address, actor_api_key_name, model_breakdown_position, "
        "model, tokens_input, tokens_cache_read, tokens_cache_creation, tokens_output, "
        "estimated_cost_amount, estimated_cost_currency, num_sessions, lines_of_code_added, "
        "edit_tool_accepted, is_remote "
        "from raw.anthropic_usage_claude_code order by _row_number",
    ) == [
        ("2025-08-08T00:00:00Z", "user_actor", "user.one@example.com", None, 1, "claude-sonnet-4-20250514",
         45230, 8790, 2340, 12450, Decimal(186), "USD", 15, 342, 25, False),
        ("2025-08-08T00:00:00Z", "user_actor", "user.one@example.com", None, 2, "claude-3-5-haiku-20241022",
         23100, 3420, 890, 5680, Decimal(42), "USD", 15, 342, 25, False),
        ("2025-08-08T00:00:00Z", "api_actor", None, "ci-claude-code", 1, "claude-sonnet-4-20250514",
         5000, 2000, 100, 800, Decimal("12.5"), "USD", 4, 120, 6, True),
        ("2025-08-08T00:00:00Z", "user_actor", "user.two@example.com", None, 1, None,
         None, None, None, None, None, None, 1, 0, 0, False),
    ]  # fmt: skip
    # The messages table is untouched: each report has its own table.
    assert query(paths.warehouse, "select count(*) from raw.anthropic_usage_messages") == [(0,)]


def test_claude_code_records_without_actor_or_with_bad_counts_are_quarantined(paths):
    record = json.loads((FIXTURES / SOURCE / CLAUDE_CODE).read_text())["data"][1]
    no_actor = {**record, "actor": {"type": "api_actor"}}
    bad_date = {**record, "date": "08/08/2025"}
    negative = {**record, "core_metrics": {**record["core_metrics"], "num_sessions": -1}}
    _write(paths, "claude_code_2025-08-09T0600Z.json", _page(record, no_actor, bad_date, negative))

    [load] = _ingest(paths).values()

    assert (load.rows_loaded, load.rows_quarantined) == (1, 3)
    assert query(paths.warehouse, "select row_number, reason from ingest.quarantine order by row_number") == [
        (2, "actor has neither email_address nor api_key_name"),
        (3, "date is not an RFC 3339 timestamp"),
        (4, "core_metrics.num_sessions is negative: -1"),
    ]


def test_a_messages_page_in_a_claude_code_file_is_rejected(paths):
    _write(paths, "claude_code_2025-08-09T0600Z.json", (FIXTURES / SOURCE / PULL_1).read_text())

    [load] = _ingest(paths).values()

    assert load.status == "rejected"
    assert load.error == (
        "page 1, data[0] is a time bucket, not a Claude Code usage record: "
        "messages usage reports belong in files named messages*"
    )


def test_an_api_key_name_holding_a_key_is_scrubbed(paths):
    record = json.loads((FIXTURES / SOURCE / CLAUDE_CODE).read_text())["data"][1]
    record["actor"]["api_key_name"] = "sk-ant-api03-PLANTEDRAWKEY0123456789abcdef"
    _write(paths, "claude_code_2025-08-09T0600Z.json", _page(record))

    _ingest(paths)

    assert query(paths.warehouse, "select actor_api_key_name from raw.anthropic_usage_claude_code") == [
        ("[redacted]",)
    ]
    assert b"PLANTEDRAWKEY" not in paths.warehouse.read_bytes()
