"""Readers number records by the line they start on, whatever the file throws at them."""

from __future__ import annotations

import sys

import pyarrow as pa
import pytest

from ingest import records
from ingest.errors import RejectedFile


def _read(reader: records.Records) -> list[dict]:
    return pa.Table.from_batches(list(reader.batches), schema=reader.schema).to_pylist()


def test_json_lines_keep_physical_line_numbers(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a":1}\n\n{"a":2}\n{bad\x01json}\n{"b":"\xe9t\xe9"}\n   \n{"a":4}\n')

    reader = records.json_lines(path)
    rows = _read(reader)

    assert [(r["rn"], r["line"]) for r in rows] == [
        (1, '{"a":1}'),
        (2, ""),
        (3, '{"a":2}'),
        (5, None),
        (6, "   "),
        (7, '{"a":4}'),
    ]
    assert reader.bad_rows == [
        (4, "line holds a control character (\\x01)", "{bad json}"),
        (5, "line is not valid UTF-8 (byte 6)", '{"b":"\ufffdt\ufffd"}'),
    ]
    # The empty line is not a record; the line of spaces is, and will be quarantined.
    assert reader.rows_read == 6


def test_binary_json_lines_file_is_rejected_without_noise_on_stderr(tmp_path, monkeypatch, capfd):
    # A \x01 byte in a line that is not UTF-8: Arrow cannot even hand the line to the reader.
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"a":1}\n{"a":2}\n\x80\xff\x01\xfe\n')
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)

    with pytest.raises(RejectedFile) as rejected:
        _read(records.json_lines(path))

    assert (
        str(rejected.value)
        == "not JSON Lines text: line 3 holds binary bytes that are not UTF-8 (a binary file?)"
    )
    assert unraisable == []
    assert capfd.readouterr().err == ""
    assert sys.unraisablehook == unraisable.append


def test_csv_rows_are_numbered_by_the_line_they_start_on(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('a,b,c\n1,2,3\n4,5\n6,7,8,9\n"x\ny",1,2\n\n10,11,12\n')

    reader = records.csv_rows(path)
    rows = _read(reader)

    assert [(r["rn"], r["a"]) for r in rows] == [(2, "1"), (5, "x\ny"), (8, "10")]
    assert reader.bad_rows == [
        (3, "expected 3 cells, found 2", "4,5"),
        (4, "expected 3 cells, found 4", "6,7,8,9"),
    ]
    assert reader.rows_read == 5


def test_csv_delimiter_is_detected_from_the_header(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("start_time\tamount_value\n1759622400\t0.8958\n")

    assert _read(records.csv_rows(path)) == [{"rn": 2, "start_time": "1759622400", "amount_value": "0.8958"}]


def test_json_array_elements_are_numbered_from_one(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('[{"a": 1},\n {"a": 2}]')

    reader = records.json_array(path)

    assert [(r["rn"], r["line"]) for r in _read(reader)] == [(1, '{"a": 1}'), (2, '{"a": 2}')]
    assert reader.sampled_keys == {"a"}
