"""Harm done on purpose: processes killed mid-way, readers during a full run. Nothing partial survives."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from app.queries import execute
from orchestration import pipeline
from orchestration.paths import DATA_DIR_VARIABLE, DataPaths, data_paths
from tests.conftest import FIXTURES, land, query

SAMPLE = [json.loads(line) for line in (FIXTURES / "spend_logs_sample.jsonl").read_text().splitlines()]
BIG_FILE_ROWS = 120_000


def _land_big_file(paths: DataPaths) -> None:
    """A LiteLLM file of BIG_FILE_ROWS rows (about 170 MB), then a small one."""
    target = paths.landing / "litellm" / "spend_big.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w") as out:
        for i in range(BIG_FILE_ROWS):
            out.write(json.dumps({**SAMPLE[i % len(SAMPLE)], "request_id": f"chatcmpl-big-{i:07d}"}) + "\n")
    small = paths.landing / "litellm" / "spend_small.jsonl"
    shutil.copyfile(FIXTURES / "spend_logs_sample.jsonl", small)


def _aispend(paths: DataPaths, *args: str, output: Path | None = None) -> subprocess.Popen:
    """`aispend <args>` in its own process, its output piped (or written to `output`)."""
    env = {
        **os.environ,
        DATA_DIR_VARIABLE: str(paths.root),
        # Models and seeds only: dbt's 800 data and unit tests write nothing a reader could see, and
        # other tests run them all.
        "DBT_EXCLUDE_RESOURCE_TYPES": "test unit_test",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", *args],
        env=env,
        stdout=output.open("w") if output else subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Its own process group, so a kill reaches dbt too.
        start_new_session=True,
    )


def _kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _kill_while_reading(process: subprocess.Popen, file: Path, timeout: float = 120) -> float:
    """Kill the process once it has read part, not all, of `file` (its read offset, from /proc)."""
    size, deadline = file.stat().st_size, time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        for fd in Path(f"/proc/{process.pid}/fd").iterdir():
            try:
                if Path(os.readlink(fd)) != file:
                    continue
                info = Path(f"/proc/{process.pid}/fdinfo/{fd.name}").read_text()
            except OSError:
                continue
            position = int(info.split("pos:")[1].split()[0])
            if 0.2 * size < position < 0.9 * size:
                _kill(process)
                return position / size
        time.sleep(0.01)
    raise AssertionError("the ingest ended before it was seen reading the file halfway")


def _wait_for_line(process: subprocess.Popen, marker: str, timeout: float = 120) -> list[str]:
    lines, deadline = [], time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return lines
    raise AssertionError(f"never saw {marker!r}; output: {''.join(lines)[-2000:]}")


def _loaded(paths: DataPaths) -> list[tuple]:
    return query(
        paths.warehouse,
        "select count(*), count(distinct request_id), sum(spend::decimal(38, 10)), count(distinct _load_id) "
        "from raw.litellm_spend_logs",
    )


def test_an_ingest_killed_mid_file_then_rerun_equals_a_clean_single_run(tmp_path):
    killed, clean = data_paths(tmp_path / "killed"), data_paths(tmp_path / "clean")
    _land_big_file(killed)
    process = _aispend(killed, "ingest")
    # The small file loads after the big one (files load in name order): kill while the big one loads.
    read = _kill_while_reading(process, killed.landing / "litellm" / "spend_big.jsonl")
    assert 0.2 < read < 0.9

    pipeline.ingest(killed)
    shutil.copytree(killed.landing, clean.landing)
    pipeline.ingest(clean)

    assert _loaded(killed) == _loaded(clean)
    assert _loaded(killed)[0][:2] == (BIG_FILE_ROWS + 6, BIG_FILE_ROWS + 6)
    assert query(killed.warehouse, "select file, status from ingest.file_loads order by file") == [
        ("litellm/spend_big.jsonl", "loaded"),
        ("litellm/spend_small.jsonl", "loaded"),
    ]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# What an analyst asks the published copy, and a dashboard query, parameter bound as the pages bind them.
ANALYST_SQL = "select sum(requests), sum(gateway_cost_usd) from marts.fct_daily_gateway_spend"
PAGE_SQL = (
    "select sum(requests) as requests, sum(gateway_cost_usd)::varchar as cost_usd "
    "from marts.fct_daily_gateway_spend where spend_date >= ?"
)


def _answers(serving: Path) -> tuple[tuple, tuple]:
    """The analyst's answer and the dashboard's, each on its own new read-only connection."""
    with duckdb.connect(str(serving), read_only=True) as con:
        [analyst] = con.execute(ANALYST_SQL).fetchall()
    page = execute(PAGE_SQL, (date(2015, 1, 1),), str(serving))
    return analyst, (int(page["requests"][0]), Decimal(page["cost_usd"][0]))


def test_readers_keep_answering_during_a_full_run_and_a_killed_build_leaves_the_published_copy(
    demo_paths, tmp_path
):
    paths = data_paths(tmp_path / "data")
    paths.root.mkdir(parents=True)
    for name in (demo_paths.warehouse, demo_paths.serving):
        shutil.copyfile(name, paths.root / name.name)
    old = _answers(paths.serving)
    # A new day's gateway file lands; the scheduled run loads, validates, builds and publishes it.
    land(paths, "spend_logs_sample.jsonl", name="spend_new_day.jsonl")
    # Each request's spend as the warehouse keeps it: the gateway's double, to 10 decimal places.
    added = (len(SAMPLE), sum(Decimal(str(row["spend"])).quantize(Decimal("1e-10")) for row in SAMPLE))
    new = tuple((requests + added[0], cost + added[1]) for requests, cost in old)

    log = tmp_path / "run.log"
    run = _aispend(paths, "run", output=log)
    answers = []
    while run.poll() is None:
        answers.append(_answers(paths.serving))
        time.sleep(0.2)

    assert run.returncode == 0, log.read_text()[-3000:]
    assert _answers(paths.serving) == new
    assert len(answers) > 20
    # Each reader sees the old total until the copy was replaced, then the new one: never an error,
    # never a part. (The two readers ask one after the other, so the switch can fall between them.)
    for reader in (0, 1):
        seen = [answer[reader] for answer in answers]
        assert set(seen) <= {old[reader], new[reader]}
        assert seen == sorted(seen, key=lambda total: total == new[reader])
        assert seen[0] == old[reader]

    published = _digest(paths.serving)
    build = _aispend(paths, "build", "--full-refresh")
    _wait_for_line(build, "OK created sql table model")
    assert _answers(paths.serving) == new
    _kill(build)

    assert _digest(paths.serving) == published
    # The warehouse itself is still a warehouse: it opens for writing and its raw layer is whole.
    with duckdb.connect(str(paths.warehouse)) as con:
        assert con.execute("select count(*) from raw.litellm_spend_logs").fetchone()[0] > 0
