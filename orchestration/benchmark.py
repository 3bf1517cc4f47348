"""Benchmarks that print figures: never timed in unit tests, always rerunnable from the command line.

`aispend bench ingest` writes one large LiteLLM JSON Lines file from the sample company, then loads
it twice, each in a fresh process so peak memory is the loader's own: once with DuckDB's own
`read_json` into a table (the yardstick), once with aispend's loader (parsing, checks, quarantine,
lineage, privacy). Then, in a third process, it validates what aispend loaded with the Great
Expectations suite (the same step `aispend run` takes before the build). It prints the times, the
loaders' ratio and each process's peak memory: validation must need no more memory than the load.

`aispend bench all` (orchestration/pipeline_benchmark.py) measures the same two loaders on a file cut
from its generated year, with the helpers here.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.sample import generate
from orchestration import pipeline
from orchestration.paths import data_paths

# The bench file is cut from the last two weeks of the sample company's story.
_DAYS_PER_BENCH_FILE = 14
# The loaders `aispend bench ingest` compares, and the validation it measures after them.
INGEST_MODES = (
    ("duckdb read_json", "read_json"),
    ("aispend ingest", "aispend"),
    ("aispend validate", "validate"),
)
WORKER = "_worker"


@dataclass(frozen=True)
class Measurement:
    label: str
    seconds: float
    peak_memory_mb: float
    rows: int


def write_litellm_file(rows: int, target: Path) -> int:
    """Write about `rows` LiteLLM spend log rows into one JSON Lines file; return the rows written."""
    with tempfile.TemporaryDirectory(prefix="aispend-bench-") as scratch:
        # The story's last weeks are busier than its average day, so this writes more rows than asked.
        generate(Path(scratch), days=_DAYS_PER_BENCH_FILE, requests_per_day=rows / _DAYS_PER_BENCH_FILE)
        return cut_litellm_file(sorted((Path(scratch) / "litellm").glob("*.jsonl")), rows, target)


def cut_litellm_file(parts: Iterable[Path], rows: int, target: Path) -> int:
    """Copy the first `rows` lines of `parts`, in order, into one file; return the rows written."""
    written = 0
    with target.open("wb") as out:
        for part in parts:
            with part.open("rb") as source:
                for line in source:
                    if written == rows:
                        return written
                    out.write(line)
                    written += 1
    return written


def peak_resident_kb() -> int:
    """Peak resident memory of this process plus that of its largest finished child (dbt), in KB."""
    # VmHWM starts afresh at exec; ru_maxrss would carry over the parent's peak from fork.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            own = int(line.split()[1])
    return own + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def run_worker(module: str, args: Iterable[str], env: Mapping[str, str] | None = None) -> dict:
    """Run `python -m module _worker args...` in a fresh process; return the JSON it printed last.

    A fresh process makes its peak memory the step's own, not what earlier steps left behind.
    """
    result = subprocess.run(
        [sys.executable, "-m", module, WORKER, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-30:])
        raise RuntimeError(f"{module} {' '.join(args)} failed (exit code {result.returncode}):\n{tail}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _worker(mode: str, file: Path, scratch: Path) -> dict:
    """Runs in its own process: load `file` one way, report seconds, rows and peak memory."""
    paths = data_paths(scratch / "data")
    if mode == "aispend":
        # One-time setup outside the timing: schemas, and the price catalogue a first run writes.
        pipeline.ingest(paths)
    started = time.perf_counter()
    if mode == "validate":
        validation, _blocked = pipeline.validate_loads(paths)
        rows = max(outcome.rows_checked for outcome in validation.outcomes)
    elif mode == "read_json":
        with duckdb.connect(str(scratch / "baseline.duckdb")) as con:
            con.execute("create table spend_logs as select * from read_json(?)", [str(file)])
            rows = con.execute("select count(*) from spend_logs").fetchone()[0]
    else:
        (paths.landing / "litellm").mkdir(parents=True)
        (paths.landing / "litellm" / file.name).symlink_to(file)
        [load] = pipeline.ingest(paths)
        rows = load.rows_loaded
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": rows, "peak_kb": peak_resident_kb()}


def measure_ingest(
    file: Path,
    repeat: int,
    modes: Iterable[tuple[str, str]] = INGEST_MODES,
    say: Callable[[str], None] = print,
    workdir: Path | None = None,
) -> list[Measurement]:
    """Load `file` each way of `modes`, `repeat` times, each in a fresh process and data folder.

    The data folders are made under `workdir` (default: the system's temporary folder).
    """
    runs = []
    for attempt in range(1, repeat + 1):
        with tempfile.TemporaryDirectory(prefix="aispend-bench-", dir=workdir) as scratch:
            for label, mode in modes:
                result = run_worker("orchestration.benchmark", [mode, str(file), scratch])
                measurement = Measurement(label, result["seconds"], result["peak_kb"] / 1024, result["rows"])
                seconds, memory = measurement.seconds, measurement.peak_memory_mb
                say(f"  run {attempt}: {label:<17} {seconds:7.2f} s  {memory:7.0f} MB")
                runs.append(measurement)
    return runs


def bench_ingest(rows: int, repeat: int, keep: Path | None, say=print) -> list[Measurement]:
    """Time DuckDB's read_json and aispend's loader on the same file; print and return the figures."""
    workdir = Path(tempfile.mkdtemp(prefix="aispend-bench-"))
    try:
        file = keep or workdir / "spend_logs_bench.jsonl"
        if not file.exists():
            say(f"Writing {rows:,} LiteLLM rows to {file} ...")
            rows = write_litellm_file(rows, file)
        size_mb = file.stat().st_size / 1e6
        say(f"File: {file} ({rows:,} rows, {size_mb:,.0f} MB)")
        runs = measure_ingest(file, repeat, say=say)
        _print_table(runs, say)
        return runs
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def summarise(runs: list[Measurement]) -> dict[str, Measurement]:
    """Per label: the median seconds and the highest peak memory over its runs."""
    labels = dict.fromkeys(m.label for m in runs)
    summary = {}
    for label in labels:
        group = [m for m in runs if m.label == label]
        seconds = _median([m.seconds for m in group])
        summary[label] = Measurement(label, seconds, max(m.peak_memory_mb for m in group), group[0].rows)
    return summary


def _print_table(runs: list[Measurement], say) -> None:
    summary = summarise(runs)
    say("")
    say("| step | rows | median seconds | peak memory (MB) |")
    say("|---|---:|---:|---:|")
    for m in summary.values():
        say(f"| {m.label} | {m.rows:,} | {m.seconds:.2f} | {m.peak_memory_mb:,.0f} |")
    speed = summary["aispend ingest"].seconds / summary["duckdb read_json"].seconds
    say(f"| ratio aispend ingest / read_json | | {speed:.2f} | |")
    thrift = summary["aispend validate"].peak_memory_mb / summary["aispend ingest"].peak_memory_mb
    say(f"| ratio validate / ingest peak memory | | | {thrift:.2f} |")


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == WORKER:
    print(json.dumps(_worker(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
