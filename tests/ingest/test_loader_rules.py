"""Loader rules every source shares: empty but valid files, snapshots with repeated bytes, exact numbers."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import duckdb

from ingest import copilot_seats, litellm, openai_costs
from ingest.loader import ingest_landing
from tests.conftest import FIXTURES


def test_a_csv_with_a_header_and_no_rows_loads_with_zero_rows(tmp_path):
    folder = tmp_path / "landing" / "litellm"
    folder.mkdir(parents=True)
    (folder / "quiet_day.csv").write_text("request_id,spend,startTime\n")

    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        [load] = ingest_landing(con, tmp_path / "landing", [litellm.SPEC])

    assert (load.status, load.rows_read, load.rows_loaded, load.error) == ("loaded", 0, 0, None)


def test_an_api_page_of_empty_buckets_loads_with_zero_rows(tmp_path):
    folder = tmp_path / "landing" / "openai_costs"
    folder.mkdir(parents=True)
    page = {"object": "page", "data": [{"object": "bucket", "start_time": 1, "end_time": 2, "results": []}]}
    (folder / "costs_quiet.json").write_text(json.dumps(page))

    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        [load] = ingest_landing(con, tmp_path / "landing", [openai_costs.SPEC])

    assert (load.status, load.rows_read, load.rows_loaded) == ("loaded", 0, 0)


def test_an_unchanged_seat_listing_is_still_the_next_days_snapshot(tmp_path):
    folder = tmp_path / "landing" / "copilot_seats"
    folder.mkdir(parents=True)
    source = FIXTURES / "copilot_seats" / "copilot_seats_acme_2026-05-04.json"
    shutil.copyfile(source, folder / "copilot_seats_acme_2026-05-04.json")
    shutil.copyfile(source, folder / "copilot_seats_acme_2026-05-05.json")

    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        loads = ingest_landing(con, tmp_path / "landing", [copilot_seats.SPEC])
        dates = con.execute(
            "select snapshot_date, count(*) from raw.copilot_seats_seats group by 1 order by 1"
        ).fetchall()

    assert [load.status for load in loads] == ["loaded", "loaded"]
    assert [str(day) for day, _ in dates] == ["2026-05-04", "2026-05-05"]
    assert dates[0][1] == dates[1][1] > 0


def test_json_page_money_keeps_every_digit(tmp_path):
    folder = tmp_path / "landing" / "openai_costs"
    folder.mkdir(parents=True)
    result = {
        "object": "organization.costs.result",
        "amount": {"value": 0.1234567890123456789, "currency": "usd"},
        "line_item": "gpt-4.1, input",
        "project_id": "proj_x",
    }
    page = {
        "object": "page",
        "data": [{"object": "bucket", "start_time": 1, "end_time": 2, "results": [result]}],
    }
    # Written by hand so the number keeps 19 digits, more than a float holds.
    text = json.dumps(page).replace("0.12345678901234568", "0.1234567890123456789")
    (folder / "costs_precise.json").write_text(text)

    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ingest_landing(con, tmp_path / "landing", [openai_costs.SPEC])
        [(amount,)] = con.execute("select amount_value from raw.openai_costs_results").fetchall()

    assert amount == Decimal("0.123456789012345679")
