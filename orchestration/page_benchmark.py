"""`aispend bench pages`: how fast each dashboard page answers on the published warehouse.

Each page is run headless with Streamlit's AppTest, as a browser session would run it, with the
query cache emptied before every run so each run pays for its SQL. Two figures per page: the time
spent in DuckDB (every query the page sent, on its own read-only connection) and the whole run
(queries, pandas, charts), as median and 95th percentile over the runs.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from app import queries

APP = Path(__file__).resolve().parents[1] / "app"


@dataclass(frozen=True)
class PageTiming:
    page: str
    queries: int
    sql_seconds: list[float]
    run_seconds: list[float]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_pages(repeat: int) -> list[PageTiming]:
    """Run every page `repeat` times on a cold cache; return the SQL and whole-run seconds of each run."""
    original = queries.execute
    spent: list[float] = []

    def timed(sql: str, params: tuple, path: str):
        started = time.perf_counter()
        try:
            return original(sql, params, path)
        finally:
            spent.append(time.perf_counter() - started)

    queries.execute = timed
    try:
        timings = []
        for view in sorted(p.stem for p in (APP / "views").glob("*.py") if p.stem != "__init__"):
            sql_seconds, run_seconds = [], []
            for _ in range(repeat):
                st.cache_data.clear()
                spent.clear()
                app = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=300)
                started = time.perf_counter()
                app.switch_page(f"views/{view}.py").run()
                run_seconds.append(time.perf_counter() - started)
                if app.exception:
                    raise RuntimeError(f"page {view} failed: {app.exception[0].message}")
                sql_seconds.append(sum(spent))
            timings.append(PageTiming(view, len(spent), sql_seconds, run_seconds))
        return timings
    finally:
        queries.execute = original


def quiet_streamlit() -> None:
    """Silence what Streamlit logs once per headless run (no server, no runtime): noise in a benchmark."""
    for name in (
        "streamlit",
        "streamlit.runtime.caching.cache_data_api",
        "streamlit.runtime.scriptrunner_utils",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)


@dataclass(frozen=True)
class PageSummary:
    page: str
    queries: int
    sql_median: float
    sql_p95: float
    run_median: float
    run_p95: float


def summarise(timing: PageTiming) -> PageSummary:
    """A page's median and 95th percentile seconds, in DuckDB and for the whole run."""
    return PageSummary(
        timing.page,
        timing.queries,
        statistics.median(timing.sql_seconds),
        _percentile(timing.sql_seconds, 0.95),
        statistics.median(timing.run_seconds),
        _percentile(timing.run_seconds, 0.95),
    )


def bench_pages(repeat: int, say: Callable[[str], None] = print) -> list[PageTiming]:
    """Print each page's query and run time (median, 95th percentile) on the published copy."""
    serving = queries.serving_path()
    if not serving.exists():
        raise FileNotFoundError(f"no published warehouse at {serving}: run `aispend run` first")
    say(f"Pages on {serving} ({serving.stat().st_size / 1e6:,.0f} MB), {repeat} cold-cache runs each:")
    quiet_streamlit()
    timings = time_pages(repeat)
    say("")
    say("| page | queries | SQL median (s) | SQL p95 (s) | page median (s) | page p95 (s) |")
    say("|---|---:|---:|---:|---:|---:|")
    for s in map(summarise, timings):
        say(
            f"| {s.page} | {s.queries} | {s.sql_median:.3f} | {s.sql_p95:.3f} | "
            f"{s.run_median:.3f} | {s.run_p95:.3f} |"
        )
    return timings
