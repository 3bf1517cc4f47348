"""Loading OpenAI usage pages and dashboard exports: counts, tokens, restatements, quarantine."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from ingest import openai_costs, openai_usage
from ingest.loader import ingest_landing
from ingest.sample import openai as sample_openai
from ingest.sample.traffic import scale_for, simulate_day
from orchestration.dbt import run_dbt
from tests.conftest import FIXTURES, query

SOURCE = openai_usage.SPEC.name
TABLE = "raw.openai_usage_results"
PULL_A = "completions_2026-10-31T0600Z.json"
PULL_B = "completions_2026-11-01T0600Z.jsonl"
EXPORT = "usage_export_2026-10-29_2026-10-31.csv"
# The newest delivery of every group across the fixtures: 30 Oct from pull A (or the export),
# 31 Oct complete from pull B (or the export); 1 Nov's partial bucket was empty.
RESTATED = (4, 175_200, 26_860, 148_340, 34_000, 100)


def _land(landing: Path, *fixtures: str, source: str = SOURCE) -> None:
    folder = landing / source
    folder.mkdir(parents=True, exist_ok=True)
    for name in fixtures:
        shutil.copyfile(FIXTURES / source / name, folder / name)


def _ingest(tmp_path: Path, *fixtures: str, source: str = SOURCE):
    landing = tmp_path / "landing"
    _land(landing, *fixtures, source=source)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        return ingest_landing(con, landing, [openai_usage.SPEC, openai_costs.SPEC])


def _restated(database: Path) -> list[tuple]:
    """Totals of the newest delivery of every restatement unit, as the intermediate model keeps them."""
    return query(
        database,
        f"""select count(*), sum(input_tokens), sum(input_cached_tokens),
            sum(input_tokens - coalesce(input_cached_tokens, 0) - coalesce(input_cache_write_tokens, 0)),
            sum(output_tokens), sum(num_model_requests)
        from (
            select *, max(_loaded_at) over (
                partition by start_time, object, project_id, user_id, api_key_id, model, batch, service_tier
            ) as newest
            from {TABLE}
        ) where _loaded_at = newest""",
    )


def test_a_pull_loads_one_row_per_result_with_its_bucket(tmp_path):
    [load] = _ingest(tmp_path, PULL_A)

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 3, 3, 0)
    assert load.extra_columns is None
    rows = query(
        tmp_path / "warehouse.duckdb",
        f"select _row_number, start_time, end_time, project_id, api_key_id, model, batch, service_tier, "
        f"input_tokens, input_cached_tokens, input_uncached_tokens, output_tokens, num_model_requests "
        f"from {TABLE} order by _row_number",
    )
    assert rows == [
        (1, 1793318400, 1793404800, "proj_nwGatewayProd01", "key_nwLiteLLMProd001", "gpt-4.1-mini", False,
         "default", 59200, 5760, 53440, 12000, 40),
        (2, 1793318400, 1793404800, "proj_nwDataScience02", "key_nwDataNotebooks02", "gpt-4.1", True,
         "default", 30000, 10000, 20000, 5000, 10),
        # The newest bucket of a 06:00 pull ends at 06:00: partial.
        (3, 1793404800, 1793426400, "proj_nwGatewayProd01", "key_nwLiteLLMProd001", "gpt-4.1-mini", False,
         "default", 6000, 1000, 5000, 1500, 4),
    ]  # fmt: skip


def test_json_lines_of_pages_load_and_an_empty_bucket_gives_no_rows(tmp_path):
    [load] = _ingest(tmp_path, PULL_B)

    assert (load.status, load.rows_read, load.rows_loaded) == ("loaded", 2, 2)
    assert query(tmp_path / "warehouse.duckdb", f"select distinct start_time, end_time from {TABLE}") == [
        (1793404800, 1793491200)
    ]


def test_every_usage_endpoint_and_an_older_capture_load(tmp_path):
    [load] = _ingest(tmp_path, "usage_all_endpoints.json")

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 11, 11, 0)
    rows = query(
        tmp_path / "warehouse.duckdb",
        f"select replace(replace(object, 'organization.usage.', ''), '.result', ''), input_tokens, "
        f"input_cached_tokens, input_cache_write_tokens, output_tokens, num_model_requests, "
        f"coalesce(images, characters, seconds, usage_bytes, num_sessions, num_requests) "
        f"from {TABLE} order by _row_number",
    )
    assert rows == [
        ("audio_speeches", None, None, None, None, 1, 45),
        ("audio_transcriptions", None, None, None, None, 1, 20),
        ("code_interpreter_sessions", None, None, None, None, None, 1),
        ("completions", 1000, 400, 100, 500, 5, None),
        ("embeddings", 16, None, None, None, 2, None),
        ("file_searches", None, None, None, None, None, 2),
        ("images", None, None, None, None, 2, 2),
        ("moderations", 16, None, None, None, 2, None),
        ("vector_stores", None, None, None, None, None, 1024),
        ("web_searches", None, None, None, None, 2, 2),
        # January 2025: no cache-write or uncached breakdown yet; missing, not zero.
        ("completions", 3718360, 76544, None, 97756, 3053, None),
    ]


def test_dashboard_export_reads_float_counts_and_drops_empty_buckets(tmp_path):
    [load] = _ingest(tmp_path, EXPORT)

    # Five data lines; the first is a bucket without usage (only its time columns).
    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 4, 4, 0)
    rows = query(
        tmp_path / "warehouse.duckdb",
        f"select _row_number, object, start_time, batch, service_tier, user_id, input_tokens, "
        f"input_cached_tokens, input_cache_write_tokens, num_model_requests "
        f"from {TABLE} order by _row_number",
    )
    assert rows[0] == (
        3, "organization.usage.completions.result", 1793318400, False, "default", None, 59200, 5760, None, 40
    )  # fmt: skip
    assert [r[3] for r in rows] == [False, True, False, True]
    assert sum(r[6] for r in rows) == 175_200


def test_a_restated_bucket_replaces_its_partial_delivery(tmp_path):
    _ingest(tmp_path, PULL_A)
    _ingest(tmp_path, PULL_B)

    database = tmp_path / "warehouse.duckdb"
    assert query(database, f"select count(*), sum(num_model_requests) from {TABLE}") == [(5, 104)]
    assert _restated(database) == [RESTATED]


def test_the_export_restates_the_same_buckets_without_double_counting(tmp_path):
    _ingest(tmp_path, PULL_A)
    _ingest(tmp_path, PULL_B)
    _ingest(tmp_path, EXPORT)

    database = tmp_path / "warehouse.duckdb"
    assert query(database, f"select count(*) from {TABLE}") == [(9,)]
    assert _restated(database) == [RESTATED]


def test_the_intermediate_model_keeps_the_newest_delivery(paths, tmp_path):
    for fixture in (PULL_A, PULL_B, EXPORT):
        _land(paths.landing, fixture)
        with duckdb.connect(str(paths.warehouse)) as con:
            ingest_landing(con, paths.landing, [openai_usage.SPEC])
    output: list[str] = []

    code = run_dbt(
        "build",
        paths,
        ["--select", "+int_openai_usage_bucket_results_deduplicated", "--target-path", str(tmp_path / "t")],
        echo=output.append,
    )

    assert code == 0, "\n".join(output[-30:])
    rows = query(
        paths.warehouse,
        "select count(*), sum(input_tokens_total), sum(cache_read_tokens), sum(uncached_input_tokens), "
        "sum(output_tokens), sum(model_request_count), count(distinct source_file) "
        "from build_scratch.intermediate.int_openai_usage_bucket_results_deduplicated",
    )
    # The export was loaded last: it restates both of its days.
    assert rows == [(*RESTATED, 1)]


def test_malformed_results_are_quarantined_with_their_position_and_reason(tmp_path):
    [load] = _ingest(tmp_path, "completions_malformed.json")

    assert (load.status, load.rows_read, load.rows_loaded, load.rows_quarantined) == ("loaded", 5, 1, 4)
    assert query(tmp_path / "warehouse.duckdb", f"select input_tokens, output_tokens from {TABLE}") == [
        (1000, 300)
    ]
    assert query(
        tmp_path / "warehouse.duckdb", "select row_number, reason from ingest.quarantine order by row_number"
    ) == [
        (2, "output_tokens is negative: -5"),
        (3, "line is not a JSON object"),
        (4, "num_model_requests is not a valid bigint: 12.5"),
        (5, "missing required field start_time"),
    ]


def test_a_raw_key_where_its_id_belongs_is_redacted(tmp_path):
    folder = tmp_path / "landing" / SOURCE
    folder.mkdir(parents=True)
    page = json.loads((FIXTURES / SOURCE / PULL_A).read_text())
    page["data"][0]["results"][0]["api_key_id"] = "sk-proj-PLANTEDRAWKEY0123456789abcdef"
    (folder / "completions_pasted_key.json").write_text(json.dumps(page))

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        ingest_landing(con, tmp_path / "landing", [openai_usage.SPEC])

    assert query(tmp_path / "warehouse.duckdb", f"select api_key_id from {TABLE} order by _row_number") == [
        ("[redacted]",),
        ("key_nwDataNotebooks02",),
        ("key_nwLiteLLMProd001",),
    ]
    assert b"PLANTEDRAWKEY" not in (tmp_path / "warehouse.duckdb").read_bytes()


@pytest.mark.parametrize(
    ("fixture", "source", "error"),
    [
        ("completions_cut_off.jsonl", SOURCE, "line 2 is not valid JSON: Expecting"),
        (
            "error_response.json",
            SOURCE,
            "an API error response, not a page of results: Incorrect API key provided",
        ),
        (
            "costs_2026-10-31T0600Z.json",
            openai_costs.SPEC.name,
            "none of its 9 records could be loaded as openai_usage rows; first problem, line 1: "
            "object is not an OpenAI usage result",
        ),
        (
            "cost_export_2025-10.csv",
            openai_costs.SPEC.name,
            "a usage export without an object column is read as the completions export",
        ),
    ],
)
def test_a_broken_file_is_rejected_whole_with_a_clear_message(tmp_path, fixture, source, error):
    folder = tmp_path / "landing" / SOURCE
    folder.mkdir(parents=True)
    shutil.copyfile(FIXTURES / source / fixture, folder / fixture)

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        [load] = ingest_landing(con, tmp_path / "landing", [openai_usage.SPEC])

    assert load.status == "rejected"
    assert error in load.error
    assert query(tmp_path / "warehouse.duckdb", f"select count(*) from {TABLE}") == [(0,)]
    assert query(tmp_path / "warehouse.duckdb", "select count(*) from ingest.quarantine") == [(0,)]


# The sample writer

WINDOW = [date(2026, 5, 30) + timedelta(days=i) for i in range(4)]


def _write_sample(out: Path) -> list[dict]:
    """Four days from 30 May 2026 (a month boundary, Batch API in use); the calls OpenAI saw."""
    writer = sample_openai.OpenAIUsageWriter()
    calls = []
    scale = scale_for(300)
    with duckdb.connect() as con:
        for day in WINDOW:
            traffic = simulate_day(day, scale, 7)
            calls += [c for c in traffic.calls.to_pylist() if c["provider"] == "openai"]
            writer.add_day(con, day, traffic, out)
        writer.finish(con, out, WINDOW[0], WINDOW[-1])
    return calls


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("openai_sample")
    return out, _write_sample(out)


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_the_writer_lands_one_pull_a_day_and_the_months_export(sample, tmp_path):
    out, _calls = sample
    again = tmp_path / "again"
    _write_sample(again)

    assert sorted(_digest(out / SOURCE)) == [
        "completions_2026-05-30T0600Z.json",
        "completions_2026-05-31T0600Z.json",
        "completions_2026-06-01T0600Z.json",
        "completions_2026-06-02T0600Z.json",
        "completions_2026-06-03T0600Z.json",
        "usage_export_2026-06-01_2026-06-02.csv",
    ]
    assert _digest(again) == _digest(out)


def test_the_writers_files_load_cleanly_and_restate_to_the_calls(sample, tmp_path):
    out, calls = sample
    landing = tmp_path / "landing"
    shutil.copytree(out / SOURCE, landing / SOURCE)

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        loads = ingest_landing(con, landing, [openai_usage.SPEC])

    assert {(load.status, load.rows_quarantined) for load in loads} == {("loaded", 0)}
    database = tmp_path / "warehouse.duckdb"
    [(count, prompt, cached, uncached, output, requests)] = _restated(database)
    # Every call of the window, failed ones as requests without tokens, each counted once.
    assert (prompt, cached, uncached, output, requests) == (
        sum(c["prompt_tokens"] for c in calls),
        sum(c["cache_read_tokens"] for c in calls),
        sum(c["prompt_tokens"] - c["cache_read_tokens"] - c["cache_write_tokens"] for c in calls),
        sum(c["completion_tokens"] for c in calls),
        len(calls),
    )
    # Every bucket but the last day's spill-over was delivered partial first, then complete.
    deliveries = query(
        database,
        f"select start_time, list(end_time - start_time order by _loaded_at) from "
        f"(select distinct start_time, end_time, _loaded_at from {TABLE}) group by 1 order by 1",
    )
    for _start, seconds in deliveries[:-1]:
        assert seconds[0] == 6 * 3600
        assert set(seconds[1:]) == {24 * 3600}
    assert any(batch for (batch,) in query(database, f"select distinct batch from {TABLE}"))
    assert count > 0
