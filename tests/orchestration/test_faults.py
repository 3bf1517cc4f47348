"""Harm done on purpose: processes killed mid-way, readers during a write. Nothing partial survives."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from app.queries import execute
from orchestration import pipeline
from orchestration.paths import DATA_DIR_VARIABLE, DataPaths, data_paths
from tests.conftest import FIXTURES, query

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


def _aispend(paths: DataPaths, *args: str) -> subprocess.Popen:
    env = {**os.environ, DATA_DIR_VARIABLE: str(paths.root)}
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
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


def test_readers_keep_answering_during_a_build_and_a_killed_build_leaves_the_published_copy(
    demo_paths, tmp_path
):
    paths = data_paths(tmp_path / "data")
    paths.root.mkdir(parents=True)
    for name in (demo_paths.warehouse, demo_paths.serving):
        shutil.copyfile(name, paths.root / name.name)
    before = _digest(paths.serving)
    analyst_sql = "select count(*), sum(gateway_cost_usd) from marts.fct_daily_gateway_spend"
    expected = query(paths.serving, analyst_sql)

    process = _aispend(paths, "build", "--full-refresh")
    _wait_for_line(process, " START ")
    answers = []
    for _ in range(20):
        with duckdb.connect(str(paths.serving), read_only=True) as con:
            answers.append(con.execute(analyst_sql).fetchall())
        page = execute("select count(*) as teams from marts.dim_teams", (), str(paths.serving))
        assert page["teams"][0] > 0
        time.sleep(0.25)
    assert process.poll() is None, "the build finished before it could be killed"
    _kill(process)

    assert answers == [expected] * 20
    assert _digest(paths.serving) == before
    assert query(paths.serving, analyst_sql) == expected
    # The warehouse itself is still a warehouse: it opens for writing and its raw layer is whole.
    with duckdb.connect(str(paths.warehouse)) as con:
        assert con.execute("select count(*) from raw.litellm_spend_logs").fetchone()[0] > 0
