"""Loading OpenTelemetry GenAI spans: one row per GenAI span, typed usage, no content, restatements."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest import otel_genai
from ingest.loader import ingest_landing
from ingest.sample.telemetry import TelemetryWriter
from ingest.sample.traffic import scale_for, simulate_day
from orchestration.dbt import run_dbt
from tests.conftest import FIXTURES, query

OTEL = FIXTURES / "otel_genai"


def _land(landing: Path, fixture: str, name: str | None = None) -> Path:
    target = landing / "otel_genai" / (name or fixture)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((OTEL / fixture).read_bytes())
    return target


def _ingest(database: Path, landing: Path):
    with duckdb.connect(str(database)) as con:
        return ingest_landing(con, landing, [otel_genai.SPEC])


def test_sample_loads_one_row_per_genai_span_with_its_tokens(tmp_path):
    _land(tmp_path / "landing", "traces_sample.jsonl")

    [load] = _ingest(tmp_path / "w.duckdb", tmp_path / "landing")

    # Eight spans in two export requests; the HTTP server span and the job span are not GenAI spans.
    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 6, 6, 0)
    assert load.extra_columns is None
    assert query(
        tmp_path / "w.duckdb",
        "select count(*), sum(gen_ai_usage_input_tokens), sum(gen_ai_usage_prompt_tokens), "
        "sum(gen_ai_usage_cache_read_input_tokens), sum(gen_ai_usage_cache_creation_input_tokens), "
        "sum(gen_ai_usage_output_tokens), sum(gen_ai_usage_completion_tokens), "
        "sum(gen_ai_usage_reasoning_output_tokens), count(*) filter (where span_name like 'POST%') "
        "from raw.otel_genai_spans",
    ) == [(6, 23000, 9000, 3000, 4500, 2400, 700, 200, 0)]


def test_otlp_values_become_typed_columns(tmp_path):
    _land(tmp_path / "landing", "traces_sample.jsonl")
    _ingest(tmp_path / "w.duckdb", tmp_path / "landing")

    rows = query(
        tmp_path / "w.duckdb",
        "select span_id, parent_span_id, span_kind, start_time_unix_nano, end_time_unix_nano, status_code, "
        "status_message, error_type, exception_type, event_count, service_name, service_version, "
        "gen_ai_provider_name, gen_ai_system, gen_ai_request_model, gen_ai_usage_input_tokens, "
        "gen_ai_response_finish_reasons::varchar, gen_ai_request_temperature, server_port, "
        "app_workflow_id, app_task_id, app_task_attempt, app_team_id, cloud_account_id, file_line_number "
        "from raw.otel_genai_spans where span_id in ('eee19b7ec3c1b174', 'eee19b7ec3c1b176', "
        "'b7ad6b7169203331') order by _row_number",
    )
    assert rows == [
        (
            "eee19b7ec3c1b174",
            "eee19b7ec3c1b100",
            "3",
            1772443246847371123,
            1772443248851954999,
            None,
            None,
            None,
            None,
            1,
            "kb-answer",
            "2.14.0",
            "openai",
            None,
            "gpt-4.1",
            5000,
            '["stop"]',
            0.2,
            4000,
            "kb_answer",
            "kb-1",
            1,
            "support",
            None,
            1,
        ),
        (
            "eee19b7ec3c1b176",
            "eee19b7ec3c1b102",
            "3",
            1772450400000000000,
            1772450401250000000,
            "2",
            "Error code: 429 - rate limit reached for requests",
            "RateLimitError",
            "openai.RateLimitError",
            1,
            "kb-answer",
            "2.14.0",
            "openai",
            None,
            "gpt-4.1",
            None,
            None,
            0.2,
            4000,
            "kb_answer",
            "kb-3",
            1,
            "support",
            None,
            1,
        ),
        (
            "b7ad6b7169203331",
            "b7ad6b7169203330",
            "3",
            1772454000000000000,
            1772454012000000000,
            None,
            None,
            None,
            None,
            1,
            "incident-summariser",
            "1.3.2",
            None,
            "aws.bedrock",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            None,
            '["stop"]',
            0.2,
            443,
            "incident_summary",
            "inc-1",
            1,
            "platform",
            "123456789012",
            2,
        ),
    ]


def test_ints_sent_as_numbers_and_snake_case_protobuf_names_read_the_same(tmp_path):
    def snake(value):
        if isinstance(value, dict):
            return {otel_genai.snake_case(k): snake(v) for k, v in value.items()}
        if isinstance(value, list):
            return [snake(v) for v in value]
        return value

    request = json.loads((OTEL / "traces_sample.jsonl").read_text().splitlines()[0])
    text = json.dumps(snake(request)).replace('"int_value": "5000"', '"int_value": 5000')
    assert '"int_value": 5000' in text
    target = tmp_path / "landing" / "otel_genai" / "snake.jsonl"
    target.parent.mkdir(parents=True)
    target.write_text(text + "\n")

    [load] = _ingest(tmp_path / "w.duckdb", tmp_path / "landing")

    assert (load.status, load.rows_loaded) == ("loaded", 4)
    assert query(
        tmp_path / "w.duckdb",
        "select sum(gen_ai_usage_input_tokens), min(start_time_unix_nano), max(app_task_id) "
        "from raw.otel_genai_spans",
    ) == [(14000, 1772443246847371123, "kb-3")]


def test_a_pretty_printed_gzipped_request_loads(tmp_path):
    request = json.loads((OTEL / "traces_sample.jsonl").read_text().splitlines()[1])
    target = tmp_path / "landing" / "otel_genai" / "otlp_http_body.json.gz"
    target.parent.mkdir(parents=True)
    target.write_bytes(gzip.compress(json.dumps(request, indent=2).encode()))

    [load] = _ingest(tmp_path / "w.duckdb", tmp_path / "landing")

    assert (load.status, load.rows_read, load.rows_loaded) == ("loaded", 2, 2)


def test_prompts_and_completions_never_reach_the_warehouse(tmp_path):
    _land(tmp_path / "landing", "traces_sample.jsonl")
    _land(tmp_path / "landing", "traces_malformed.jsonl")
    source = (OTEL / "traces_sample.jsonl").read_text() + (OTEL / "traces_malformed.jsonl").read_text()
    assert source.count("PLANTED") == 8

    _ingest(tmp_path / "w.duckdb", tmp_path / "landing")

    text_columns = query(
        tmp_path / "w.duckdb",
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type in ('VARCHAR', 'JSON') and table_schema in ('raw', 'ingest')",
    )
    for schema, table, column in text_columns:
        hits = query(
            tmp_path / "w.duckdb",
            f'select count(*) from {schema}."{table}" where "{column}"::varchar like ?',
            ["%PLANTED%"],
        )
        assert hits == [(0,)], f"{schema}.{table}.{column} holds planted content"
    assert b"PLANTED" not in (tmp_path / "w.duckdb").read_bytes()


def test_broken_lines_and_spans_are_quarantined_with_their_reasons(tmp_path):
    _land(tmp_path / "landing", "traces_malformed.jsonl")

    [load] = _ingest(tmp_path / "w.duckdb", tmp_path / "landing")

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 6, 1, 5)
    assert query(tmp_path / "w.duckdb", "select span_id from raw.otel_genai_spans") == [("aaa19b7ec3c1b174",)]
    quarantined = query(
        tmp_path / "w.duckdb",
        "select row_number, reason, raw_text from ingest.quarantine order by row_number",
    )
    assert [(n, reason) for n, reason, _ in quarantined] == [
        (2, "gen_ai.usage.input_tokens is not a valid bigint: 12.5"),
        (3, "cache read and cache creation tokens exceed gen_ai.usage.input_tokens, which must include them"),
        (4, "line 2 is not valid JSON: Unterminated string starting at: line 1 column 1453 (char 1452)"),
        (5, "line 3: resourceSpans[0].scopeSpans[0].spans[0] attributes are not a list"),
        (6, "traceId is not 32 hex digits"),
    ]
    torn, broken_span = quarantined[2][2], quarantined[3][2]
    assert torn.startswith("(text withheld: 1457 characters")
    assert json.loads(broken_span) == {
        "traceId": "5b8efff798038103d269b633813fc60d",
        "spanId": "aaa19b7ec3c1b178",
        "name": "chat gpt-4.1",
    }


def test_a_truncated_gzip_is_rejected_whole(tmp_path):
    target = tmp_path / "landing" / "otel_genai" / "traces_broken.jsonl.gz"
    target.parent.mkdir(parents=True)
    target.write_bytes(gzip.compress((OTEL / "traces_sample.jsonl").read_bytes())[:-30])

    [load] = _ingest(tmp_path / "w.duckdb", tmp_path / "landing")

    assert load.status == "rejected"
    assert load.error.startswith("cannot read the file")
    assert query(tmp_path / "w.duckdb", "select count(*) from raw.otel_genai_spans") == [(0,)]
    assert query(tmp_path / "w.duckdb", "select count(*) from ingest.quarantine") == [(0,)]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (None, "none of its 1 export requests holds a GenAI span (a span with gen_ai.* attributes)"),
        ("\n\n", "the file is empty"),
        (
            "not json at all\n",
            "none of its 1 records could be loaded as otel_genai rows; first problem, line 1: ",
        ),
    ],
)
def test_files_without_genai_spans_are_rejected_with_a_reason(tmp_path, content, error):
    if content is None:
        _land(tmp_path / "landing", "traces_no_genai.jsonl")
    else:
        (tmp_path / "landing" / "otel_genai").mkdir(parents=True)
        (tmp_path / "landing" / "otel_genai" / "traces.jsonl").write_text(content)

    [load] = _ingest(tmp_path / "w.duckdb", tmp_path / "landing")

    assert load.status == "rejected"
    assert load.error.startswith(error)


def test_no_spec_attribute_is_mistaken_for_content():
    assert [key for key in otel_genai.SPEC.keys if otel_genai.is_content_attribute(key)] == []
    assert otel_genai.is_content_attribute("gen_ai.input.messages")
    assert otel_genai.is_content_attribute("gen_ai.prompt.0.content")
    assert otel_genai.is_content_attribute("traceloop.entity.input")
    assert not otel_genai.is_content_attribute("gen_ai.system")


def test_a_reexported_span_counts_once_and_the_newest_export_wins(tmp_path, paths):
    _land(paths.landing, "traces_sample.jsonl")
    _ingest(paths.warehouse, paths.landing)
    _land(paths.landing, "traces_reexport.jsonl")
    _ingest(paths.warehouse, paths.landing)

    built = run_dbt(
        "build",
        paths,
        ["--select", "+int_otel_genai_model_calls_deduplicated", "--target-path", str(tmp_path / "target")],
        echo=lambda _line: None,
    )

    assert built == 0
    assert query(paths.warehouse, "select count(*) from raw.otel_genai_spans") == [(7,)]
    # Five model calls (the agent span totals its child call and is left out), span A once.
    assert query(
        paths.warehouse,
        "select count(*), sum(uncached_input_tokens), sum(cache_read_tokens), sum(cache_write_tokens), "
        "sum(output_tokens), sum(reasoning_tokens), max(service_version) filter (where span_id = "
        "'eee19b7ec3c1b174') from build_scratch.intermediate.int_otel_genai_model_calls_deduplicated",
    ) == [(5, 15500, 3000, 4500, 2200, 200, "2.14.1")]
    assert query(
        paths.warehouse,
        "select provider, model, started_at::varchar, is_success, task_id, attempt "
        "from build_scratch.intermediate.int_otel_genai_model_calls_deduplicated order by started_at",
    ) == [
        ("openai", "gpt-4.1", "2026-03-02 09:20:46.847371", True, "kb-1", 1),
        ("openai", "gpt-5.6-terra", "2026-03-02 10:20:00", True, "kb-2", 1),
        ("openai", "gpt-4.1", "2026-03-02 11:20:00", False, "kb-3", 1),
        ("anthropic", "claude-sonnet-4-5", "2026-03-02 11:20:20", True, "kb-3", 3),
        ("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "2026-03-02 12:20:00", True, "inc-1", 1),
    ]


def _write_days(out: Path, seed: int, days: list[date]):
    scale = scale_for(300)
    traffic = {}
    writer = TelemetryWriter(seed)
    with duckdb.connect() as con:
        for day in days:
            traffic[day] = simulate_day(day, scale, seed)
            writer.add_day(con, day, traffic[day], out)
        writer.finish(con, out, days[0], days[-1])
    return traffic


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_writer_is_deterministic_and_its_files_load_clean(tmp_path):
    days = [date(2026, 8, 3), date(2026, 8, 4)]
    traffic = _write_days(tmp_path / "a", 7, days)
    _write_days(tmp_path / "b", 7, days)
    _write_days(tmp_path / "c", 8, days)

    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert set(_digest(tmp_path / "a")) == {"traces_2026-08-03.jsonl", "traces_2026-08-04.jsonl"}
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")

    loads = _ingest(tmp_path / "w.duckdb", tmp_path / "a")

    assert {(load.status, load.rows_quarantined, load.extra_columns) for load in loads} == {
        ("loaded", 0, None)
    }
    traced = [t.calls.filter(t.calls["traced"]).to_pylist() for t in traffic.values()]
    calls = [c for day in traced for c in day]
    expected = (
        len(calls),
        sum(c["prompt_tokens"] for c in calls),
        sum(c["cache_read_tokens"] for c in calls),
        sum(c["cache_write_tokens"] for c in calls),
        sum(c["completion_tokens"] for c in calls),
        sum(c["status"] == "failure" for c in calls),
    )
    assert query(
        tmp_path / "w.duckdb",
        "select count(*), sum(gen_ai_usage_input_tokens), sum(gen_ai_usage_cache_read_input_tokens), "
        "sum(gen_ai_usage_cache_creation_input_tokens), sum(gen_ai_usage_output_tokens), "
        "count(*) filter (where status_code = '2') from raw.otel_genai_spans",
    ) == [expected]
    # Some spans carried prompts (in attributes, or in event bodies); none of it loaded.
    landed = "".join(p.read_text() for p in (tmp_path / "a" / "otel_genai").iterdir())
    assert "card ending 4242" in landed
    assert b"card ending 4242" not in (tmp_path / "w.duckdb").read_bytes()
