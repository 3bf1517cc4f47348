"""Publishing swaps the serving copy atomically and never leaves a half-written one."""

from __future__ import annotations

import duckdb
import pytest

from orchestration import publish as publish_module
from orchestration.publish import publish
from tests.conftest import query


def _warehouse(path, total):
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create schema raw")
        con.execute(f"create table marts.fct_spend as select {total}::decimal(38, 10) as cost_usd")
        con.execute("create table raw.secret_rows as select 'raw layer' as x")


def test_publish_copies_the_marts_and_only_the_marts(tmp_path):
    _warehouse(tmp_path / "warehouse.duckdb", 12.5)

    published = publish(tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb")

    assert published.tables == ("marts.fct_spend",)
    from decimal import Decimal

    assert query(tmp_path / "serving.duckdb", "select cost_usd from marts.fct_spend") == [(Decimal("12.5"),)]
    assert query(
        tmp_path / "serving.duckdb",
        "select table_schema || '.' || table_name from information_schema.tables order by 1",
    ) == [("marts.fct_spend",), ("meta.publish",)]
    assert query(tmp_path / "serving.duckdb", "select publish_id from meta.publish") == [
        (published.publish_id,)
    ]


def test_a_reader_of_the_old_copy_keeps_reading_it_while_a_new_one_is_published(tmp_path):
    _warehouse(tmp_path / "w1.duckdb", 1)
    _warehouse(tmp_path / "w2.duckdb", 2)
    publish(tmp_path / "w1.duckdb", tmp_path / "serving.duckdb")

    with duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True) as reader:
        publish(tmp_path / "w2.duckdb", tmp_path / "serving.duckdb")
        assert reader.execute("select cost_usd::int from marts.fct_spend").fetchall() == [(1,)]

    assert query(tmp_path / "serving.duckdb", "select cost_usd::int from marts.fct_spend") == [(2,)]


def test_a_failed_write_leaves_the_previous_copy_and_no_temporary_file(tmp_path, monkeypatch):
    _warehouse(tmp_path / "w1.duckdb", 1)
    _warehouse(tmp_path / "w2.duckdb", 2)
    publish(tmp_path / "w1.duckdb", tmp_path / "serving.duckdb")
    before = (tmp_path / "serving.duckdb").read_bytes()

    def disk_full(_path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish_module, "_fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        publish(tmp_path / "w2.duckdb", tmp_path / "serving.duckdb")

    assert (tmp_path / "serving.duckdb").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["serving.duckdb", "w1.duckdb", "w2.duckdb"]
