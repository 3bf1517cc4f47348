"""Sample raw files in the real source formats, all telling the story in `company`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from ingest.sample import company
from ingest.sample.anthropic import AnthropicCostWriter, AnthropicUsageWriter
from ingest.sample.cloud import AwsCurWriter, AzureFocusWriter
from ingest.sample.gateway import GatewayWriter
from ingest.sample.gcp_focus import GcpFocusWriter
from ingest.sample.openai import OpenAICostsWriter, OpenAIUsageWriter
from ingest.sample.outcomes import OutcomesWriter
from ingest.sample.reference import ReferenceWriter
from ingest.sample.seats import CopilotSeatsWriter, M365CopilotWriter, SeatCsvWriter
from ingest.sample.telemetry import TelemetryWriter
from ingest.sample.traffic import scale_for, simulate_day
from ingest.sample.writer import MonthToDateWriter, SourceWriter

DEFAULT_DAYS = 365
DEFAULT_REQUESTS_PER_DAY = 3000
DEFAULT_SEED = 7


@dataclass(frozen=True)
class GeneratedDay:
    day: date
    calls: int
    tasks: int


def generate(
    out_dir: Path,
    days: int = DEFAULT_DAYS,
    requests_per_day: float = DEFAULT_REQUESTS_PER_DAY,
    seed: int = DEFAULT_SEED,
    end: date = company.DEFAULT_END,
    progress: Callable[[GeneratedDay], None] = lambda _day: None,
) -> list[GeneratedDay]:
    """Write `days` days ending on `end` into `out_dir/<source>/`; the same arguments give the same bytes.

    `requests_per_day` is the average number of gateway calls a day over the story year; volumes
    grow through the year, so early days have fewer and late days more.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if requests_per_day <= 0:
        raise ValueError("requests per day must be positive")
    scale = scale_for(requests_per_day)
    first_day = end - timedelta(days=days - 1)
    writers = source_writers(seed)
    written = []
    _recall_month_to_date(writers, first_day, scale, seed)
    with duckdb.connect() as con:
        con.execute("set enable_progress_bar = false")
        for offset in range(days):
            day = first_day + timedelta(days=offset)
            traffic = simulate_day(day, scale, seed)
            for writer in writers:
                writer.add_day(con, day, traffic, out_dir)
            result = GeneratedDay(day, traffic.calls.num_rows, traffic.tasks.num_rows)
            progress(result)
            written.append(result)
        for writer in writers:
            writer.finish(con, out_dir, first_day, end)
    return written


def _recall_month_to_date(writers: list[SourceWriter], first_day: date, scale: float, seed: int) -> None:
    """Show monthly writers the days of the first month before the window, as a provider still has them."""
    recalling = [w for w in writers if isinstance(w, MonthToDateWriter)]
    day = first_day.replace(day=1)
    while day < first_day:
        traffic = simulate_day(day, scale, seed)
        for writer in recalling:
            writer.recall_day(day, traffic)
        day += timedelta(days=1)


def source_writers(seed: int) -> list[SourceWriter]:
    """One writer per source folder, all fed the same days; those that draw randomness take the seed."""
    return [
        GatewayWriter(),
        OpenAIUsageWriter(),
        OpenAICostsWriter(),
        AnthropicUsageWriter(),
        AnthropicCostWriter(),
        AwsCurWriter(seed),
        AzureFocusWriter(seed),
        GcpFocusWriter(),
        TelemetryWriter(seed),
        OutcomesWriter(seed),
        CopilotSeatsWriter(seed),
        M365CopilotWriter(seed),
        SeatCsvWriter(seed),
        ReferenceWriter(),
    ]
