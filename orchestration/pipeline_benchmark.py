"""`aispend bench all` (`make bench`): the product's figures on one generated data set, in one table.

1. Ingest: a LiteLLM file cut from the generated year is loaded by DuckDB's own `read_json` and by
   aispend's loader (`orchestration.benchmark`): the time ratio and the loader's peak memory.
2. Pipeline: a generated year of every source runs step by step (ingest, validate, build, publish);
   then the files of one more day land and the steps run again, incrementally. Each step runs in a
   fresh process, so its time and peak memory are its own. Where dbt's time goes (start-up, each
   kind of node, the slowest nodes) is printed for both builds.
3. Pages: each dashboard page on the published copy (`orchestration.page_benchmark`), median and p95.
4. Storage: the warehouse's bytes per gateway request after a checkpoint, the serving copy's size,
   and the bytes of each table.

Every figure comes from this one command; the default size finishes in minutes on two cores, and
`--full` runs the size issue 8 asks for (a 2-million-row file, 10 million gateway requests).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from ingest import litellm
from ingest.sample import DEFAULT_SEED, GeneratedDay, generate
from ingest.sample.company import DEFAULT_END
from ingest.spec import sql_string
from orchestration import pipeline
from orchestration.benchmark import (
    WORKER,
    Measurement,
    cut_litellm_file,
    measure_ingest,
    peak_resident_kb,
    run_worker,
)
from orchestration.benchmark import summarise as summarise_ingest
from orchestration.paths import DATA_DIR_VARIABLE, data_paths

MODULE = "orchestration.pipeline_benchmark"
STEPS = ("ingest", "validate", "build", "publish")
YEAR_DAYS = 365
YEAR_END = DEFAULT_END
# A daily pull restates yesterday and a task correction is re-sent up to two days later, so the new
# day is generated with the two days before it: its files then hold what a continuous run writes.
NEXT_DAY_WINDOW = 3
INGEST_LOADERS = (("duckdb read_json", "read_json"), ("aispend ingest", "aispend"))

INGEST_RATIO_TARGET = 1.5
INGEST_MEMORY_TARGET_MB = 1024
INCREMENTAL_RATIO_TARGET = 0.10
BYTES_PER_REQUEST_TARGET = 100

# What the scratch folder needs at its fullest, measured on the default size: landed files
# (2.5 KB a call), warehouse and serving copy; and the ingest file with the two loaders' databases.
DISK_BYTES_PER_CALL = 3_200
DISK_BYTES_PER_INGEST_ROW = 2_500
# Of which the landed files: a year generated earlier is hard-linked, so it takes no new space.
LANDED_BYTES_PER_CALL = 2_500

_NODE_STARTED = re.compile(r"\d+ of \d+ START ")
_NODE_FINISHED = re.compile(
    r"\d+ of \d+ (?:OK created sql (?P<materialized>\w+) model|(?P<seed>OK loaded seed file)"
    r"|PASS|WARN|FAIL|ERROR)"
    r" (?P<name>\S+) .*\[[^\]]* in (?P<seconds>[\d.]+)s\]\s*$"
)


@dataclass(frozen=True)
class Size:
    """How much to generate and how often to repeat what is timed."""

    # Model calls in the generated year, as `aispend generate` counts them; about 95% pass the gateway.
    calls: int
    ingest_rows: int
    ingest_repeat: int
    page_repeat: int


# Three runs of each loader even at the default size: on a busy machine one run's ratio swings by 0.4.
DEFAULT_SIZE = Size(calls=200_000, ingest_rows=200_000, ingest_repeat=3, page_repeat=3)
FULL_SIZE = Size(calls=10_000_000, ingest_rows=2_000_000, ingest_repeat=3, page_repeat=5)


@dataclass(frozen=True)
class Check:
    """One row of the benchmark's table: what was measured, the figure, the target and whether it was met."""

    measure: str
    value: str
    target: str = "-"
    met: bool | None = None


@dataclass(frozen=True)
class NodeTiming:
    kind: str
    name: str
    seconds: float


@dataclass(frozen=True)
class StepRun:
    step: str
    seconds: float
    peak_memory_mb: float
    detail: str
    rows: dict[str, int]
    nodes: tuple[NodeTiming, ...] = ()
    dbt_startup_seconds: float = 0.0


@dataclass(frozen=True)
class TableStorage:
    table: str
    rows: int
    bytes: int


@dataclass(frozen=True)
class Storage:
    file_bytes: int
    free_bytes: int
    tables: tuple[TableStorage, ...]

    @property
    def metadata_bytes(self) -> int:
        """The file's header, catalogue and metadata blocks: what no table and no free block holds."""
        return self.file_bytes - self.free_bytes - sum(t.bytes for t in self.tables)


def format_table(checks: Iterable[Check]) -> list[str]:
    """The checks as a Markdown table, one row each; `met` is yes, no, or blank without a target."""
    lines = ["| measure | value | target | met |", "|---|---|---|---|"]
    for c in checks:
        met = "" if c.met is None else "yes" if c.met else "**no**"
        lines.append(f"| {c.measure} | {c.value} | {c.target} | {met} |")
    return lines


def bytes_per_request(total_bytes: int, requests: int) -> float:
    """Bytes per gateway request; raises when there are no requests to share them."""
    if requests <= 0:
        raise ValueError("no gateway requests: bytes per request is undefined")
    return total_bytes / requests


def _mb(size: float) -> str:
    return f"{size / 1e6:,.1f} MB" if size < 1e9 else f"{size / 1e9:,.2f} GB"


def ingest_checks(summary: dict[str, Measurement], file_bytes: int) -> list[Check]:
    """Rows for the loaders' time ratio and the loader's peak memory, against their targets."""
    baseline, ours = summary["duckdb read_json"], summary["aispend ingest"]
    ratio = ours.seconds / baseline.seconds
    return [
        Check(
            f"ingest a {ours.rows:,}-row LiteLLM file ({_mb(file_bytes)}): aispend / DuckDB read_json",
            f"{ratio:.2f} ({ours.seconds:,.1f} s / {baseline.seconds:,.1f} s)",
            f"<= {INGEST_RATIO_TARGET}",
            ratio <= INGEST_RATIO_TARGET,
        ),
        Check(
            "ingest: aispend loader's peak memory",
            f"{ours.peak_memory_mb:,.0f} MB (read_json {baseline.peak_memory_mb:,.0f} MB)",
            f"< {INGEST_MEMORY_TARGET_MB:,} MB",
            ours.peak_memory_mb < INGEST_MEMORY_TARGET_MB,
        ),
    ]


def _total(runs: Sequence[StepRun]) -> float:
    return sum(run.seconds for run in runs)


def pipeline_checks(full: Sequence[StepRun], incremental: Sequence[StepRun]) -> list[Check]:
    """Rows for each step of both runs, their totals, and the incremental run's share of the full one."""
    checks = []
    for label, runs in (("full run", full), ("one more day", incremental)):
        for run in runs:
            checks.append(
                Check(
                    f"{label}: {run.step} ({run.detail})",
                    f"{run.seconds:,.1f} s, {run.peak_memory_mb:,.0f} MB",
                )
            )
        peak = max(run.peak_memory_mb for run in runs)
        checks.append(Check(f"{label}: total", f"{_total(runs):,.1f} s, peak {peak:,.0f} MB"))
    ratio = _total(incremental) / _total(full)
    checks.append(
        Check(
            "one more day / full run, time",
            f"{ratio:.2f} ({_total(incremental):,.1f} s / {_total(full):,.1f} s)",
            f"<= {INCREMENTAL_RATIO_TARGET}",
            ratio <= INCREMENTAL_RATIO_TARGET,
        )
    )
    return checks


def page_checks(pages: Sequence[dict]) -> list[Check]:
    """One row per dashboard page: its queries' median and p95 seconds, and the whole page run's."""
    return [
        Check(
            f"page {p['page']} ({p['queries']} queries): SQL median / p95",
            f"{p['sql_median']:.3f} / {p['sql_p95']:.3f} s "
            f"(page run {p['run_median']:.2f} / {p['run_p95']:.2f} s)",
        )
        for p in pages
    ]


def storage_checks(storage: Storage, serving_bytes: int, requests: int) -> list[Check]:
    """Rows for the warehouse's bytes per gateway request against the target, and the serving copy."""
    per_request = bytes_per_request(storage.file_bytes, requests)
    return [
        Check(
            "warehouse bytes per gateway request",
            f"{per_request:,.0f} ({_mb(storage.file_bytes)} / {requests:,} requests)",
            f"< {BYTES_PER_REQUEST_TARGET}",
            per_request < BYTES_PER_REQUEST_TARGET,
        ),
        Check(
            "serving copy",
            f"{_mb(serving_bytes)} ({bytes_per_request(serving_bytes, requests):,.0f} bytes per request)",
        ),
    ]


def parse_dbt_timings(lines: Iterable[str]) -> list[NodeTiming]:
    """Each finished node in `dbt build`'s output: its kind (table models, data tests...), name, seconds."""
    nodes = []
    for line in lines:
        found = _NODE_FINISHED.search(line)
        if not found:
            continue
        name = found["name"]
        if found["materialized"]:
            kind = f"{found['materialized']} models"
        elif found["seed"]:
            kind = "seeds"
        else:
            kind = "unit tests" if "::" in name else "data tests"
        nodes.append(NodeTiming(kind, name, float(found["seconds"])))
    return nodes


def node_kinds(nodes: Iterable[NodeTiming]) -> dict[str, tuple[int, float]]:
    """Per kind of node: how many ran and their seconds added up, most seconds first."""
    kinds: dict[str, tuple[int, float]] = {}
    for node in nodes:
        count, seconds = kinds.get(node.kind, (0, 0.0))
        kinds[node.kind] = (count + 1, seconds + node.seconds)
    return dict(sorted(kinds.items(), key=lambda item: -item[1][1]))


def build_breakdown(full: StepRun, incremental: StepRun, slowest: int = 10) -> list[str]:
    """Where each build's time went: dbt's start-up, each kind of node, and the slowest nodes."""
    full_kinds, incremental_kinds = node_kinds(full.nodes), node_kinds(incremental.nodes)
    lines = [
        "| dbt build: where the time goes | full: nodes | full: s | one more day: nodes | one more day: s |",
        "|---|---:|---:|---:|---:|",
        f"| wall clock | | {full.seconds:,.1f} | | {incremental.seconds:,.1f} |",
        f"| start-up and parse | | {full.dbt_startup_seconds:,.1f} | "
        f"| {incremental.dbt_startup_seconds:,.1f} |",
    ]
    for kind in dict.fromkeys([*incremental_kinds, *full_kinds]):
        f_count, f_seconds = full_kinds.get(kind, (0, 0.0))
        i_count, i_seconds = incremental_kinds.get(kind, (0, 0.0))
        lines.append(
            f"| {kind} (seconds added up) | {f_count} | {f_seconds:,.1f} | {i_count} | {i_seconds:,.1f} |"
        )
    full_seconds = {node.name: node.seconds for node in full.nodes}
    lines += [
        "",
        "| slowest nodes of the one-more-day build | kind | full: s | one more day: s |",
        "|---|---|---:|---:|",
    ]
    for node in sorted(incremental.nodes, key=lambda n: -n.seconds)[:slowest]:
        before = full_seconds.get(node.name)
        full_figure = "" if before is None else f"{before:,.2f}"
        name = node.name if len(node.name) <= 80 else node.name[:79] + "…"
        lines.append(f"| {name} | {node.kind} | {full_figure} | {node.seconds:,.2f} |")
    return lines


def measure_storage(database: Path) -> Storage:
    """Checkpoint `database`, then count the bytes of the blocks each table holds and of the free blocks."""
    with duckdb.connect(str(database)) as con:
        con.execute("force checkpoint")
        block_size, free_blocks = con.execute(
            "select block_size, free_blocks from pragma_database_size() "
            "where database_name = current_database()"
        ).fetchone()
        tables = []
        for schema, table, rows in con.execute(
            "select schema_name, table_name, estimated_size from duckdb_tables() "
            "where database_name = current_database() order by all"
        ).fetchall():
            name = sql_string(f'"{schema}"."{table}"')
            [blocks] = con.execute(
                "select count(distinct block) from ("
                f"  select block_id as block from pragma_storage_info({name})"
                "   where persistent and block_id >= 0"
                "   union all"
                f"  select unnest(additional_block_ids) from pragma_storage_info({name}) where persistent"
                ")"
            ).fetchone()
            tables.append(TableStorage(f"{schema}.{table}", rows, blocks * block_size))
    tables.sort(key=lambda t: (-t.bytes, t.table))
    return Storage(database.stat().st_size, free_blocks * block_size, tuple(tables))


def storage_breakdown(storage: Storage, requests: int, largest: int = 12) -> list[str]:
    """The warehouse file's bytes by table (largest first), free blocks and metadata, per gateway request."""
    lines = [
        "| warehouse.duckdb holds | rows | bytes (its blocks) | bytes per row | bytes per gateway request |",
        "|---|---:|---:|---:|---:|",
    ]

    def row(label: str, rows: int | None, size: int) -> str:
        per_row = "" if not rows else f"{size / rows:,.0f}"
        count = "" if rows is None else f"{rows:,}"
        return f"| {label} | {count} | {_mb(size)} | {per_row} | {bytes_per_request(size, requests):,.1f} |"

    for table in storage.tables[:largest]:
        lines.append(row(table.table, table.rows, table.bytes))
    rest = storage.tables[largest:]
    if rest:
        lines.append(row(f"{len(rest)} other tables", sum(t.rows for t in rest), sum(t.bytes for t in rest)))
    lines.append(
        row("free blocks (left by rewritten tables, reused by later writes)", None, storage.free_bytes)
    )
    lines.append(row("catalogue and metadata", None, storage.metadata_bytes))
    lines.append(row("**file**", None, storage.file_bytes))
    return lines


def count_rows(database: Path, relation: str) -> int:
    """Rows of one relation of a DuckDB file, read-only."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(f"select count(*) from {relation}").fetchone()[0]


def land_next_day(
    landing: Path, year_end: date, requests_per_day: float, seed: int = DEFAULT_SEED
) -> list[str]:
    """Land the files that the day after `year_end` adds to `landing`; return their paths under it.

    Only paths the year has not written are landed: the year's own files stay as they are (its last
    pulls and `reference/` among them), as in a daily delivery.
    """
    landed = []
    with tempfile.TemporaryDirectory(prefix="aispend-next-day-", dir=landing.parent) as scratch:
        generate(
            Path(scratch),
            days=NEXT_DAY_WINDOW,
            requests_per_day=requests_per_day,
            seed=seed,
            end=year_end + timedelta(days=1),
        )
        for file in sorted(p for p in Path(scratch).rglob("*") if p.is_file()):
            relative = file.relative_to(scratch)
            target = landing / relative
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            # Same file system: the loader sees the whole file or none of it.
            os.replace(file, target)
            landed.append(relative.as_posix())
    return landed


def _step_worker(step: str, root: Path) -> dict:
    """Runs in its own process: one pipeline step on the data folder `root`; seconds, memory, detail."""
    paths = data_paths(root)
    started = time.perf_counter()
    result: dict = {"rows": {}, "nodes": [], "dbt_startup_seconds": 0.0}
    if step == "ingest":
        loads = pipeline.ingest(paths)
        rejected = [f"{load.file}: {load.error}" for load in loads if load.status == "rejected"]
        if rejected:
            raise RuntimeError("generated files were rejected:\n" + "\n".join(rejected))
        for load in loads:
            result["rows"][load.source] = result["rows"].get(load.source, 0) + load.rows_loaded
        result["detail"] = f"{len(loads):,} file(s), {sum(result['rows'].values()):,} rows"
    elif step == "validate":
        validation = pipeline.validate(paths)
        result["detail"] = f"{len(validation.verdicts):,} loads, {len(validation.outcomes):,} expectations"
    elif step == "build":
        output: list[tuple[float, str]] = []
        try:
            pipeline.build(paths, echo=lambda line: output.append((time.perf_counter(), line)))
        except pipeline.PipelineError:
            print("\n".join(line for _at, line in output[-40:]), file=sys.stderr)
            raise
        nodes = parse_dbt_timings(line for _at, line in output)
        first = next((at for at, line in output if _NODE_STARTED.search(line)), started)
        result["nodes"] = [asdict(node) for node in nodes]
        result["dbt_startup_seconds"] = first - started
        result["detail"] = f"dbt build, {len(nodes):,} nodes"
    elif step == "publish":
        published = pipeline.publish_serving_copy(paths)
        result["detail"] = f"{len(published.tables)} tables"
    else:
        raise ValueError(f"unknown step {step!r}")
    result["seconds"] = time.perf_counter() - started
    result["peak_kb"] = peak_resident_kb()
    return result


def _pages_worker(repeat: int) -> list[dict]:
    """Runs in its own process, with AISPEND_DATA_DIR set: each page's summary on the published copy."""
    from orchestration.page_benchmark import quiet_streamlit, summarise, time_pages

    quiet_streamlit()
    return [asdict(summarise(timing)) for timing in time_pages(repeat)]


def run_steps(root: Path, label: str, say: Callable[[str], None]) -> list[StepRun]:
    """Run ingest, validate, build and publish on `root`, each in a fresh process; return their figures."""
    runs = []
    for step in STEPS:
        result = run_worker(MODULE, [step, str(root)])
        run = StepRun(
            step,
            result["seconds"],
            result["peak_kb"] / 1024,
            result["detail"],
            result["rows"],
            tuple(NodeTiming(**node) for node in result["nodes"]),
            result["dbt_startup_seconds"],
        )
        say(f"  {label}: {step:<9} {run.seconds:8.1f} s {run.peak_memory_mb:7.0f} MB  {run.detail}")
        runs.append(run)
    return runs


def disk_needed(size: Size, year_generated: bool = False) -> int:
    """About how many bytes the scratch folder adds at its fullest for this size.

    `year_generated`: the landed files exist already (a reused `--generated` year), so they add nothing.
    """
    per_call = DISK_BYTES_PER_CALL - (LANDED_BYTES_PER_CALL if year_generated else 0)
    return size.calls * per_call + size.ingest_rows * DISK_BYTES_PER_INGEST_ROW


def bench_all(
    size: Size,
    keep: Path | None = None,
    say: Callable[[str], None] = print,
    generated: Path | None = None,
) -> list[Check]:
    """Run every benchmark on one generated data set, print the table and the breakdowns; return the checks.

    Everything is written under a scratch folder, removed at the end unless it is `keep`. The year
    is generated into `generated` when given (and kept there for the next run to reuse; see
    `generate_year`), else into the scratch folder.
    """
    if keep is not None and keep.exists() and any(keep.iterdir()):
        raise ValueError(f"{keep} is not empty: give --keep a new or empty folder")
    scratch = (keep or Path(tempfile.mkdtemp(prefix="aispend-bench-"))).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        reused = generated is not None and (generated / "generated.json").exists()
        needed, free = disk_needed(size, reused), shutil.disk_usage(scratch).free
        say(f"Scratch folder {scratch}: needs about {_mb(needed)}, {_mb(free)} free.")
        if free < needed:
            raise ValueError(
                f"not enough disk in {scratch} ({_mb(free)} free, about {_mb(needed)} needed): "
                "give --keep a folder on a larger disk"
            )
        return _bench(size, scratch, say, generated)
    finally:
        if keep is None:
            shutil.rmtree(scratch, ignore_errors=True)


@dataclass(frozen=True)
class GeneratedYear:
    """A generated year of landed files: what it holds, and how long generating it took."""

    calls: int
    tasks: int
    seconds: float

    @classmethod
    def read(cls, marker: Path) -> GeneratedYear:
        recorded = json.loads(marker.read_text())
        return cls(recorded["calls"], recorded["tasks"], recorded["seconds"])


def _generation_key(size: Size) -> dict:
    return {"calls_asked": size.calls, "days": YEAR_DAYS, "end": YEAR_END.isoformat(), "seed": DEFAULT_SEED}


def generate_year(size: Size, folder: Path, say: Callable[[str], None]) -> GeneratedYear:
    """The year's landed files in `folder/landing`, generated once; a folder with this size's year is reused.

    `folder/generated.json` is written after the last file, so a folder whose generation was
    interrupted, or that holds another size, is refused instead of measured.
    """
    marker, landing = folder / "generated.json", folder / "landing"
    if marker.exists():
        recorded = json.loads(marker.read_text())
        if {k: recorded.get(k) for k in _generation_key(size)} != _generation_key(size):
            raise ValueError(f"{folder} holds another generated year ({marker}): give a new folder")
        say(f"1/5 Reusing the year generated in {landing} ({recorded['calls']:,} calls).")
        return GeneratedYear.read(marker)
    if folder.exists() and any(folder.iterdir()):
        raise ValueError(f"{folder} holds files but no {marker.name}: give a new or empty folder")
    say(f"1/5 Generating a year ending {YEAR_END} ({size.calls:,} calls) into {landing} ...")

    def progress(day: GeneratedDay) -> None:
        if day.day.day == 1:
            say(f"  {day.day:%Y-%m}: {day.calls:,} calls on its first day")

    started = time.perf_counter()
    days = generate(
        landing, days=YEAR_DAYS, requests_per_day=size.calls / YEAR_DAYS, end=YEAR_END, progress=progress
    )
    year = GeneratedYear(
        sum(d.calls for d in days), sum(d.tasks for d in days), time.perf_counter() - started
    )
    marker.write_text(json.dumps(_generation_key(size) | asdict(year)))
    return year


def _link_or_copy(source: str, target: str) -> None:
    """A hard link where both paths share a file system, else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _bench(
    size: Size, scratch: Path, say: Callable[[str], None], generated: Path | None = None
) -> list[Check]:
    paths = data_paths(scratch / "data")
    requests_per_day = size.calls / YEAR_DAYS
    generated = (generated or scratch / "generated").resolve()
    year = generate_year(size, generated, say)
    # Hard links: the run lands its next day beside the year's files without touching the folder
    # they came from, and copying takes no time or disk.
    shutil.copytree(generated / "landing", paths.landing, copy_function=_link_or_copy)
    landed_bytes = sum(f.stat().st_size for f in paths.landing.rglob("*") if f.is_file())

    say(
        "2/5 Ingest: DuckDB's read_json and aispend's loader on one LiteLLM file, "
        f"{size.ingest_repeat} run(s) each ..."
    )
    file = scratch / "spend_logs_bench.jsonl"
    cut_litellm_file(sorted((paths.landing / "litellm").glob("*.jsonl")), size.ingest_rows, file)
    file_bytes = file.stat().st_size
    ingest = summarise_ingest(measure_ingest(file, size.ingest_repeat, INGEST_LOADERS, say, workdir=scratch))
    file.unlink()

    say("3/5 The full pipeline on the year, each step in a fresh process ...")
    full = run_steps(paths.root, "full run", say)
    landed = land_next_day(paths.landing, YEAR_END, requests_per_day)
    say(
        f"4/5 One more day ({YEAR_END + timedelta(days=1)}) lands {len(landed)} files; the pipeline again ..."
    )
    incremental = run_steps(paths.root, "one more day", say)

    say(f"5/5 Dashboard pages ({size.page_repeat} cold-cache runs each) and storage ...")
    pages = run_worker(MODULE, ["pages", str(size.page_repeat)], env={DATA_DIR_VARIABLE: str(paths.root)})
    storage = measure_storage(paths.warehouse)
    requests = count_rows(paths.warehouse, f"raw.{litellm.SPEC.table}")

    gateway_rows = full[0].rows.get(litellm.SPEC.name, 0)
    data_set = Check(
        f"data set: a year to {YEAR_END}, every source",
        f"{gateway_rows:,} gateway requests ({year.calls:,} calls), "
        f"{year.tasks:,} tasks, {_mb(landed_bytes)} landed; generated in {year.seconds:,.0f} s",
    )
    checks = [
        data_set,
        *ingest_checks(ingest, file_bytes),
        *pipeline_checks(full, incremental),
        *page_checks(pages),
        *storage_checks(storage, paths.serving.stat().st_size, requests),
    ]
    say("")
    for line in [
        *format_table(checks),
        "",
        *build_breakdown(full[STEPS.index("build")], incremental[STEPS.index("build")]),
        "",
        *storage_breakdown(storage, requests),
    ]:
        say(line)
    return checks


if __name__ == "__main__" and len(sys.argv) >= 3 and sys.argv[1] == WORKER:
    if sys.argv[2] == "pages":
        print(json.dumps(_pages_worker(int(sys.argv[3]))))
    else:
        print(json.dumps(_step_worker(sys.argv[2], Path(sys.argv[3]))))
