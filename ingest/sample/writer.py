"""What every sample source writer does: see each day's traffic, then write its files.

A writer is told about every day in order (`add_day`) and once more at the end (`finish`), so a
source exported daily writes as it goes, and one exported weekly or monthly (CUR, seat snapshots)
writes when a period closes or at the end. Files land atomically (see `files.landing_atomically`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Protocol, runtime_checkable

import duckdb

from ingest.sample.traffic import DayTraffic


class SourceWriter(Protocol):
    """Writes one source's sample files into `out_dir/<folder>/`."""

    folder: str

    def add_day(self, con: duckdb.DuckDBPyConnection, day: date, traffic: DayTraffic, out_dir: Path) -> None:
        """See one day's traffic; write whatever files that day completes."""

    def finish(self, con: duckdb.DuckDBPyConnection, out_dir: Path, first_day: date, last_day: date) -> None:
        """Write whatever is still open once the last day has been seen."""


@runtime_checkable
class MonthToDateWriter(SourceWriter, Protocol):
    """A writer whose files restate the whole month so far, like a cloud bill's re-deliveries."""

    def recall_day(self, day: date, traffic: DayTraffic) -> None:
        """See a day of the month before the generated window, writing nothing."""
