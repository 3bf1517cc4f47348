"""Benchmarks that print figures: never timed in unit tests, always rerunnable from the command line.

`aispend bench ingest` writes one large LiteLLM JSON Lines file from the sample company, then loads
it twice, each in a fresh process so peak memory is the loader's own: once with DuckDB's own
`read_json` into a table (the yardstick), once with aispend's loader (parsing, checks, quarantine,
lineage, privacy). Then, in a third process, it validates what aispend loaded with the Great
Expectations suite (the same step `aispend run` takes before the build). It prints the times, the
loaders' ratio and each process's peak memory: validation must need no more memory than the load.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.sample import generate
from orchestration import pipeline
from orchestration.paths import data_paths

# The bench file is cut from the last two weeks of the sample company's story.
_DAYS_PER_BENCH_FILE = 14


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
        written = 0
        with target.open("wb") as out:
            for part in sorted((Path(scratch) / "litellm").glob("*.jsonl")):
                with part.open("rb") as source:
                    for line in source:
                        if written == rows:
                            break
                        out.write(line)
                        written += 1
    return written


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
    return {"seconds": seconds, "rows": rows, "peak_kb": _peak_resident_kb()}


def _peak_resident_kb() -> int:
    # VmHWM starts afresh at exec; ru_maxrss would carry over the parent's peak from fork.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _measure(label: str, mode: str, file: Path, scratch: Path) -> Measurement:
    output = subprocess.run(
        [sys.executable, "-m", "orchestration.benchmark", "_worker", mode, str(file), str(scratch)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    return Measurement(label, result["seconds"], result["peak_kb"] / 1024, result["rows"])


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
        runs = []
        for attempt in range(1, repeat + 1):
            with tempfile.TemporaryDirectory(prefix="aispend-bench-") as scratch:
                for label, mode in (
                    ("duckdb read_json", "read_json"),
                    ("aispend ingest", "aispend"),
                    ("aispend validate", "validate"),
                ):
                    measurement = _measure(label, mode, file, Path(scratch))
                    seconds, memory = measurement.seconds, measurement.peak_memory_mb
                    say(f"  run {attempt}: {label:<17} {seconds:7.2f} s  {memory:7.0f} MB")
                    runs.append(measurement)
        _print_table(runs, say)
        return runs
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _print_table(runs: list[Measurement], say) -> None:
    groups = {label: [m for m in runs if m.label == label] for label in dict.fromkeys(m.label for m in runs)}
    seconds = {label: _median([m.seconds for m in group]) for label, group in groups.items()}
    memory = {label: max(m.peak_memory_mb for m in group) for label, group in groups.items()}
    say("")
    say("| step | rows | median seconds | peak memory (MB) |")
    say("|---|---:|---:|---:|")
    for label, group in groups.items():
        say(f"| {label} | {group[0].rows:,} | {seconds[label]:.2f} | {memory[label]:,.0f} |")
    speed = seconds["aispend ingest"] / seconds["duckdb read_json"]
    say(f"| ratio aispend ingest / read_json | | {speed:.2f} | |")
    thrift = memory["aispend validate"] / memory["aispend ingest"]
    say(f"| ratio validate / ingest peak memory | | | {thrift:.2f} |")


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "_worker":
    print(json.dumps(_worker(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
