"""The `aispend` command: generate, ingest, validate, build, run, status, export-raw, spark-sources, docs,
app, demo."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from ingest.loader import FileLoad
from ingest.sample import DEFAULT_DAYS, DEFAULT_REQUESTS_PER_DAY, DEFAULT_SEED, GeneratedDay, generate
from ingest.sample.company import DEFAULT_END
from orchestration import pipeline
from orchestration.dbt import run_dbt
from orchestration.export_raw import ExportedTable, default_out, export_raw
from orchestration.failures import record_failure
from orchestration.paths import PROJECT_DIR, data_paths
from orchestration.validation import Validation, describe

DEFAULT_PORT = 8501
DOCS_PORT = 8080
# Quarantined rows `aispend status` shows per file, with their line and reason.
QUARANTINED_SHOWN = 5
STATUS_FIELDS = (
    "source",
    "file",
    "sha256",
    "status",
    "rows_read",
    "rows_loaded",
    "rows_quarantined",
    "error",
)


def _say(message: str) -> None:
    print(message, flush=True)


def _worth_reporting(done: int, total: int, first: int = 3) -> bool:
    """The first few items, then about every tenth, then the last: progress without a flood."""
    return done <= first or done % max(total // 10, 1) == 0 or done == total


class Throttled:
    """Counts items and reports the ones worth reporting."""

    def __init__(self, total: int, report: Callable[[int, object], None], first: int = 3):
        self.total, self.report, self.first, self.done = total, report, first, 0

    def __call__(self, item: object) -> None:
        self.done += 1
        if _worth_reporting(self.done, self.total, self.first):
            self.report(self.done, item)


def _load_line(load: FileLoad) -> str:
    if load.status == "loaded":
        quarantined = f", {load.rows_quarantined:,} quarantined" if load.rows_quarantined else ""
        return f"{load.file}: {load.rows_loaded:,} rows loaded{quarantined}"
    return f"{load.file}: {load.status} - {load.error}"


def _print_loads(loads: list[FileLoad]) -> None:
    loaded = [load for load in loads if load.status == "loaded"]
    _say(
        f"Ingest: {len(loads)} new file(s); {len(loaded)} loaded "
        f"({sum(load.rows_loaded for load in loaded):,} rows, "
        f"{sum(load.rows_quarantined for load in loaded):,} quarantined), "
        f"{sum(load.status == 'duplicate' for load in loads)} duplicate, "
        f"{sum(load.status == 'rejected' for load in loads)} rejected."
    )
    for load in loads:
        if load.status == "rejected":
            _say(f"  REJECTED {load.file}: {load.error}")
    if any(load.rows_quarantined for load in loads):
        _say("  Quarantined rows and their reasons: `aispend status`, table ingest.quarantine.")


def _print_validation(validation: Validation) -> None:
    verdicts = [verdict for _file, verdict in validation.verdicts.values()]
    _say(
        f"Validate: {len(verdicts)} new load(s) checked against {len(validation.outcomes)} expectation(s); "
        f"{verdicts.count('passed')} passed, {verdicts.count('warned')} with warnings, "
        f"{verdicts.count('blocked')} blocked."
    )
    for outcome in validation.warnings:
        _say(f"  {describe(outcome)}")
    if validation.outcomes:
        _say(f"  Data docs: {validation.docs}")


def _ingest_progress(load: FileLoad, done: int, total: int) -> None:
    if _worth_reporting(done, total) or load.status != "loaded":
        _say(f"  [{done}/{total}] {_load_line(load)}")


def cmd_generate(args: argparse.Namespace) -> int:
    out = Path(args.out)
    _say(f"Generating {args.days} day(s) of sample data ending {args.end} into {out} ...")
    progress = Throttled(
        args.days,
        lambda n, day: _say(f"  [{n}/{args.days}] {day.day}: {day.calls:,} calls, {day.tasks:,} tasks"),
    )
    days = _generate(out, args, progress)
    _say(
        f"Wrote {len(days)} day(s): {sum(d.calls for d in days):,} gateway calls, "
        f"{sum(d.tasks for d in days):,} tasks, into {out}/<source>/."
    )
    return 0


def _generate(
    out: Path, args: argparse.Namespace, progress: Callable[[GeneratedDay], None]
) -> list[GeneratedDay]:
    return generate(
        out,
        days=args.days,
        requests_per_day=args.requests_per_day,
        seed=args.seed,
        end=args.end,
        progress=progress,
    )


def cmd_ingest(_args: argparse.Namespace) -> int:
    paths = data_paths()
    loads = pipeline.ingest(paths, _ingest_progress)
    _print_loads(loads)
    if any(load.status == "rejected" for load in loads):
        _say("Some files were rejected: fix or remove them, then run `aispend ingest` again.")
        return 1
    return 0


def cmd_validate(_args: argparse.Namespace) -> int:
    _print_validation(pipeline.validate(data_paths()))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    paths = data_paths()
    _print_validation(pipeline.validate(paths))
    refresh = " --full-refresh" if args.full_refresh else ""
    _say(f"Build: dbt build{refresh} (models, unit tests, data tests) ...")
    pipeline.build(paths, full_refresh=args.full_refresh)
    published = pipeline.publish_serving_copy(paths)
    _say(f"Published {len(published.tables)} table(s) to {published.path}")
    return 0


def cmd_run(_args: argparse.Namespace) -> int:
    paths = data_paths()
    started = time.monotonic()
    result = pipeline.run(
        paths, progress=_ingest_progress, ingested=_print_loads, validated=_print_validation
    )
    _say(f"Published {len(result.published.tables)} table(s) to {result.published.path}")
    _say(f"Run finished in {time.monotonic() - started:.0f}s.")
    if result.rejected:
        _say("Some files were rejected: fix or remove them, then run again.")
        return 1
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    paths = data_paths()
    if not paths.warehouse.exists():
        _say(f"No warehouse at {paths.warehouse} yet: run `aispend ingest` first.")
        return 1
    records = pipeline.file_statuses_of(paths, quarantined_per_file=QUARANTINED_SHOWN)
    if args.json:
        print(json.dumps([{k: r[k] for k in STATUS_FIELDS} for r in records], indent=2, default=str))
        return 0
    if not records:
        _say("No files landed yet.")
        return 0
    for r in records:
        counts = (
            f"read {r['rows_read']:,}, loaded {r['rows_loaded']:,}, quarantined {r['rows_quarantined']:,}"
        )
        line = f"{r['status']:<9} {r['file']}  ({counts})  sha256 {(r['sha256'] or '')[:12]}"
        _say(line + (f"\n          {r['error']}" if r["error"] else ""))
        for number, reason in r.get("quarantined_rows", []):
            _say(f"          line {number}: {reason}")
        if r["rows_quarantined"] > QUARANTINED_SHOWN:
            _say(f"          ... {r['rows_quarantined'] - QUARANTINED_SHOWN:,} more in ingest.quarantine")
    return 0


def _print_exported(table: ExportedTable) -> None:
    if table.rows or table.written or table.removed:
        removed = f", {table.removed} removed" if table.removed else ""
        _say(
            f"  {table.source}/{table.table}: {table.rows:,} rows in {table.partitions} partition(s), "
            f"{table.written} written{removed}"
        )


def cmd_export_raw(args: argparse.Namespace) -> int:
    paths = data_paths()
    if not paths.warehouse.exists():
        _say(f"No warehouse at {paths.warehouse}: run `aispend ingest` first.")
        return 1
    out = Path(args.out) if args.out else default_out(paths)
    _say(f"Exporting the raw layer as Parquet to {out} ...")
    export = export_raw(paths, out, _print_exported)
    _say(
        f"Exported {len(export.tables)} table(s), {export.rows:,} rows in {export.partitions} "
        f"partition(s): {export.written} written, {export.partitions - export.written} unchanged, "
        f"{export.removed} removed."
    )
    _say(f"  Manifest (tables, rows, columns and types): {export.manifest}")
    return 0


def cmd_spark_sources(args: argparse.Namespace) -> int:
    # Imported here: it is only for Spark users, and `aispend` should start fast for everyone else.
    from orchestration.spark import create_spark_sources

    paths = data_paths()
    root = Path(args.export) if args.export else default_out(paths)
    _say(f"Registering the export in {root} as Spark's dbt sources (target spark) ...")
    count = create_spark_sources(paths, root)
    _say(f"Registered {count} table(s).")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    paths = data_paths()
    if not paths.serving.exists():
        _say(f"No published warehouse at {paths.serving}: run `aispend run` (or `make demo`) first.")
        return 1
    return _serve(args.address, args.port)


def cmd_docs(args: argparse.Namespace) -> int:
    paths = data_paths()
    if not paths.warehouse.exists():
        _say(f"No warehouse at {paths.warehouse}: run `aispend run` (or `make demo`) first.")
        return 1
    target = ["--target-path", str(paths.docs)]
    if run_dbt("docs generate", paths, target) != 0:
        _say(f"dbt docs generate failed: read the errors above, or the log in {paths.logs}.")
        return 1
    _say(f"dbt docs written to {paths.docs}")
    if args.no_serve:
        return 0
    _say(f"dbt docs: http://{args.address}:{args.port}  (Ctrl+C to stop)")
    serve = ["--host", args.address, "--port", str(args.port), "--no-browser"]
    try:
        return run_dbt("docs serve", paths, [*target, *serve])
    except KeyboardInterrupt:
        return 0


def _serve(address: str, port: int) -> int:
    _say(f"Dashboard: http://{address}:{port}  (Ctrl+C to stop)")
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_DIR / "app" / "streamlit_app.py"),
        f"--server.address={address}",
        f"--server.port={port}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=viewer",
    ]
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0


def cmd_demo(args: argparse.Namespace) -> int:
    paths = data_paths()
    started = time.monotonic()
    _say(f"1/4 Generating a year of sample data into {paths.landing} ...")
    progress = Throttled(
        args.days, lambda n, day: _say(f"  [{n}/{args.days}] {day.day}: {day.calls:,} gateway calls"), first=1
    )
    _generate(paths.landing, args, progress)
    _say("2/4 Ingesting and validating landed files ...")
    loads = pipeline.ingest(paths, _ingest_progress)
    _print_loads(loads)
    _print_validation(pipeline.validate(paths))
    _say("3/4 Building the warehouse with dbt (models and tests) ...")
    pipeline.build(paths)
    published = pipeline.publish_serving_copy(paths)
    _say(f"4/4 Published {len(published.tables)} table(s).")
    _say(f"Demo ready in {time.monotonic() - started:.0f}s.")
    _say(f"  Warehouse (pipeline): {paths.warehouse}")
    _say(f"  Published copy (dashboard and SQL): {paths.serving}")
    _say(
        '  Query it: .venv/bin/python -c "import duckdb; '
        f"print(duckdb.connect('{paths.serving}', read_only=True).sql("
        "'select * from marts.fct_daily_gateway_spend limit 5'))\""
    )
    if args.no_serve:
        return 0
    return _serve(args.address, args.port)


def cmd_bench(args: argparse.Namespace) -> int:
    from orchestration.benchmark import bench_ingest

    bench_ingest(args.rows, args.repeat, Path(args.keep) if args.keep else None, say=_say)
    return 0


def cmd_bench_pages(args: argparse.Namespace) -> int:
    from orchestration.page_benchmark import bench_pages

    bench_pages(args.repeat, say=_say)
    return 0


def cmd_bench_all(args: argparse.Namespace) -> int:
    from orchestration.pipeline_benchmark import DEFAULT_SIZE, FULL_SIZE, bench_all

    bench_all(
        FULL_SIZE if args.full else DEFAULT_SIZE,
        Path(args.keep) if args.keep else None,
        say=_say,
        generated=Path(args.generated) if args.generated else None,
    )
    return 0


def _add_generate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="days of data (default %(default)s)")
    parser.add_argument(
        "--requests-per-day",
        type=float,
        default=DEFAULT_REQUESTS_PER_DAY,
        help="average gateway calls a day over the year (default %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        default=DEFAULT_END,
        help="last day, YYYY-MM-DD (default %(default)s)",
    )


def _add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--address", default="localhost", help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default %(default)s)")


def parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    root = argparse.ArgumentParser(
        prog="aispend",
        description="aispend: a FinOps warehouse for AI spend. "
        "Data folder: $AISPEND_DATA_DIR (default ./data).",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    generate_cmd = commands.add_parser("generate", help="write sample raw files in the real source formats")
    generate_cmd.add_argument("--out", required=True, help="folder to write <source>/ folders into")
    _add_generate_options(generate_cmd)
    generate_cmd.set_defaults(handler=cmd_generate)
    commands.add_parser("ingest", help="load new files from the landing folder").set_defaults(
        handler=cmd_ingest
    )
    build_cmd = commands.add_parser("build", help="validate, dbt build, then publish the serving copy")
    build_cmd.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild incremental marts from all raw rows (after changing a model or upgrading aispend)",
    )
    build_cmd.set_defaults(handler=cmd_build)
    commands.add_parser(
        "validate", help="check new loads against their Great Expectations suites"
    ).set_defaults(handler=cmd_validate)
    commands.add_parser("run", help="ingest, validate, build and publish").set_defaults(handler=cmd_run)
    status_cmd = commands.add_parser("status", help="one record per landed file")
    status_cmd.add_argument("--json", action="store_true", help="print JSON")
    status_cmd.set_defaults(handler=cmd_status)
    export_cmd = commands.add_parser(
        "export-raw", help="write the raw layer as Parquet, partitioned by source and date, for other engines"
    )
    export_cmd.add_argument(
        "--out", metavar="DIR", help="folder to write into (default: export/raw in the data folder)"
    )
    export_cmd.set_defaults(handler=cmd_export_raw)
    spark_cmd = commands.add_parser(
        "spark-sources", help="register the exported raw layer as the dbt sources of the Spark target"
    )
    spark_cmd.add_argument(
        "--export", metavar="DIR", help="the export to register (default: export/raw in the data folder)"
    )
    spark_cmd.set_defaults(handler=cmd_spark_sources)
    docs_cmd = commands.add_parser("docs", help="generate dbt's docs of the warehouse and serve them")
    docs_cmd.add_argument("--address", default="localhost", help="address to bind (default %(default)s)")
    docs_cmd.add_argument("--port", type=int, default=DOCS_PORT, help="port (default %(default)s)")
    docs_cmd.add_argument("--no-serve", action="store_true", help="write the docs, do not serve them")
    docs_cmd.set_defaults(handler=cmd_docs)
    app_cmd = commands.add_parser("app", help="serve the dashboard")
    _add_serve_options(app_cmd)
    app_cmd.set_defaults(handler=cmd_app)
    demo_cmd = commands.add_parser("demo", help="generate sample data, run the pipeline, serve the dashboard")
    _add_generate_options(demo_cmd)
    _add_serve_options(demo_cmd)
    demo_cmd.add_argument("--no-serve", action="store_true", help="stop after publishing")
    demo_cmd.set_defaults(handler=cmd_demo)
    bench_cmd = commands.add_parser("bench", help="benchmarks that print figures")
    bench_kinds = bench_cmd.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    ingest_bench = bench_kinds.add_parser(
        "ingest", help="aispend's loader against DuckDB's read_json on one large LiteLLM file"
    )
    ingest_bench.add_argument(
        "--rows", type=int, default=2_000_000, help="rows in the file (default %(default)s)"
    )
    ingest_bench.add_argument(
        "--repeat", type=int, default=3, help="runs of each loader (default %(default)s)"
    )
    ingest_bench.add_argument("--keep", help="reuse or keep the bench file at this path")
    ingest_bench.set_defaults(handler=cmd_bench)
    pages_bench = bench_kinds.add_parser(
        "pages", help="each dashboard page's query and run time on the published warehouse"
    )
    pages_bench.add_argument(
        "--repeat", type=int, default=5, help="cold-cache runs of each page (default %(default)s)"
    )
    pages_bench.set_defaults(handler=cmd_bench_pages)
    all_bench = bench_kinds.add_parser(
        "all",
        help="generate a year, then ingest, pipeline (full and one more day), page and storage figures "
        "in one table",
    )
    all_bench.add_argument(
        "--full",
        action="store_true",
        help="issue 8's size: a 2,000,000-row ingest file and 10,000,000 gateway requests "
        "(default: 200,000 of each, minutes instead of hours)",
    )
    all_bench.add_argument(
        "--keep", metavar="DIR", help="write everything into DIR (new or empty) and keep it afterwards"
    )
    all_bench.add_argument(
        "--generated",
        metavar="DIR",
        help="generate the year into DIR and keep it there, or reuse the year a run with the same size "
        "generated there (the full size takes about 10 minutes to generate)",
    )
    all_bench.set_defaults(handler=cmd_bench_all)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `aispend` console script; returns the exit code."""
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except pipeline.PipelineError as exc:
        _say(f"error: {exc}")
        record = record_failure(data_paths(), exc.step, str(exc))
        _say(f"Failure recorded in {record}")
        return 1
    except ValueError as exc:
        _say(f"error: {exc}")
        return 2
    except BrokenPipeError:
        # The reader (`| head`, say) went away; nothing left to say.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
