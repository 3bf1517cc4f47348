"""Shared fixtures: a data folder per test, landing helpers, and one small warehouse built once.

`make test` runs pytest on two workers (pytest-xdist, `--dist loadscope`: a module's tests stay on one
worker, so module fixtures are built once). The longest work is handed out first: the Spark build, then
the modules that read the shared demo warehouse, which one worker builds while the other runs Spark.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from unittest import mock

import duckdb
import pytest
from filelock import FileLock

from ingest.sample import generate
from orchestration import pipeline
from orchestration.paths import DATA_DIR_VARIABLE, DataPaths, data_paths

FIXTURES = Path(__file__).parent / "ingest" / "fixtures"
# What `dbt build` printed while the demo warehouse was built, kept in its data folder.
DEMO_BUILD_OUTPUT = "dbt-build-output.txt"


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DataPaths:
    """An empty data folder, set as AISPEND_DATA_DIR for the test."""
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path / "data"))
    return data_paths()


def land(paths: DataPaths, fixture: str, source: str = "litellm", name: str | None = None) -> Path:
    """Copy a fixture file into landing/<source>/ and return where it landed."""
    target = paths.landing / source / (name or fixture)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / fixture, target)
    return target


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a read-only query against a DuckDB file.

    Beside a warehouse, the build's intermediate tables are attached as `build_scratch` when a build
    left them (dbt run directly, or the demo warehouse, which keeps them for these tests).
    """
    with duckdb.connect(str(database), read_only=True) as con:
        paths = data_paths(database.parent)
        if database == paths.warehouse and paths.build_scratch.exists():
            con.execute(f"attach '{paths.build_scratch}' as build_scratch (read_only)")
        return con.execute(sql, params or []).fetchall()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Spark's tests first, then the demo warehouse's readers, then the rest, each in collection order."""

    def rank(item: pytest.Item) -> tuple[bool, bool]:
        return item.get_closest_marker("spark") is None, "demo_paths" not in item.fixturenames

    items.sort(key=rank)


@pytest.fixture(scope="session")
def demo_paths(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    """A warehouse built and published once from the sample company's whole year, shared by read-only tests.

    A year, so month-over-month marts see the story (prices fall, usage grows faster); few calls a day,
    so it builds in about two minutes. Built once per test run: under pytest-xdist the first worker to
    need it builds it under a lock in the run's shared temporary folder, and the others wait for it.
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    paths = data_paths(shared / "demo" / "data")
    built, failed = paths.root / DEMO_BUILD_OUTPUT, shared / "demo-failed.txt"
    with FileLock(shared / "demo.lock"):
        if failed.exists():
            pytest.fail(f"the demo warehouse failed to build in another worker:\n{failed.read_text()}")
        if not built.exists():
            output: list[str] = []
            try:
                generate(paths.landing, days=365, requests_per_day=60)
                # Kept for the tests that reconcile the marts with the intermediate tables.
                with mock.patch.object(pipeline, "remove_build_scratch"):
                    pipeline.run(paths, echo=output.append)
            except Exception as exc:
                failed.write_text(f"{exc!r}\n" + "\n".join(output[-40:]))
                raise
            built.write_text("\n".join(output))
    return paths
