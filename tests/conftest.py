"""Shared fixtures: a data folder per test, landing helpers, and one small warehouse built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

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
    """Rows of a read-only query against a DuckDB file."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="session")
def demo_paths(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    """A warehouse built and published once from the sample company's whole year, shared by read-only tests.

    A year, so month-over-month marts see the story (prices fall, usage grows faster); few calls a day,
    so it builds in about two minutes.
    """
    paths = data_paths(tmp_path_factory.mktemp("demo") / "data")
    generate(paths.landing, days=365, requests_per_day=60)
    output: list[str] = []
    pipeline.run(paths, echo=output.append)
    (paths.root / DEMO_BUILD_OUTPUT).write_text("\n".join(output))
    return paths
