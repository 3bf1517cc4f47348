"""Helpers for the seat and reference source tests: run sample writers, load folders, read tables."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb

from ingest.loader import FileLoad, ingest_landing
from ingest.sample.traffic import scale_for, simulate_day
from ingest.spec import SourceSpec
from tests.conftest import FIXTURES


def run_writers(writers: list, out_dir: Path, first_day: date, last_day: date) -> None:
    """Feed the writers every day from first_day to last_day, as `ingest.sample.generate` does."""
    scale = scale_for(50)
    with duckdb.connect() as con:
        day = first_day
        while day <= last_day:
            traffic = simulate_day(day, scale, 7)
            for writer in writers:
                writer.add_day(con, day, traffic, out_dir)
            day += timedelta(days=1)
        for writer in writers:
            writer.finish(con, out_dir, first_day, last_day)


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder, by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def land_fixture(landing: Path, source: str, fixture: str, name: str | None = None) -> Path:
    """Copy tests/ingest/fixtures/<source>/<fixture> into landing/<source>/ and return where it landed."""
    target = landing / source / (name or Path(fixture).name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / source / fixture, target)
    return target


def ingest(database: Path, landing: Path, specs: list[SourceSpec]) -> dict[str, FileLoad]:
    """Load every new file under `landing` into the DuckDB file; the loads by landed file name."""
    with duckdb.connect(str(database)) as con:
        return {Path(load.file).name: load for load in ingest_landing(con, landing, specs)}
