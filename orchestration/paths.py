"""Where aispend keeps its files. Everything lives under AISPEND_DATA_DIR (default ./data)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"
DATA_DIR_VARIABLE = "AISPEND_DATA_DIR"


@dataclass(frozen=True)
class DataPaths:
    """The data folder's layout."""

    root: Path

    @property
    def landing(self) -> Path:
        """Raw files, one folder per source: landing/<source>/."""
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        """The DuckDB file the pipeline writes: raw layer and every dbt model."""
        return self.root / "warehouse.duckdb"

    @property
    def serving(self) -> Path:
        """The published copy the dashboard and analysts read; replaced only after a passing build."""
        return self.root / "serving.duckdb"

    @property
    def build_scratch(self) -> Path:
        """The intermediate models' tables during a build (attached in profiles.yml); gone once it passed."""
        return self.root / "build-scratch.duckdb"

    @property
    def docs(self) -> Path:
        """dbt's generated docs of the warehouse: lineage, models and columns."""
        return self.root / "docs"

    @property
    def quality(self) -> Path:
        """Great Expectations' project: suites, latest validation results and data docs."""
        return self.root / "quality"

    @property
    def failures(self) -> Path:
        """One JSON record per failed run: step, error, and the published copy left in place."""
        return self.root / "failures"

    @property
    def export(self) -> Path:
        """Copies of the warehouse for other engines: export/raw/ holds the raw layer as Parquet."""
        return self.root / "export"

    @property
    def logs(self) -> Path:
        """dbt's logs."""
        return self.root / "logs"

    @property
    def dbt_target(self) -> Path:
        """dbt's compiled SQL, manifest and run results for this data folder's builds.

        One per data folder, so two builds of different folders never write the same files.
        """
        return self.root / "dbt-target"


def data_paths(root: str | Path | None = None) -> DataPaths:
    """The layout under `root`, else AISPEND_DATA_DIR, else ./data, as absolute paths."""
    chosen = root or os.environ.get(DATA_DIR_VARIABLE) or "data"
    return DataPaths(Path(chosen).expanduser().resolve())
