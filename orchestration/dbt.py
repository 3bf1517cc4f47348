"""Running dbt on the project: argument building (pure) and the subprocess that runs it.

dbt runs in its own process: its global state never leaks into ours, and killing it mid-build
cannot leave our process holding the warehouse open.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from orchestration.paths import DATA_DIR_VARIABLE, DBT_PROJECT_DIR, DataPaths

TARGET_VARIABLE = "AISPEND_DBT_TARGET"


def dbt_args(command: str, paths: DataPaths, extra: Sequence[str] = ()) -> list[str]:
    """Arguments for `dbt <command>` ("build", "docs generate") on this project, logs in the data folder."""
    return [
        *command.split(),
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--log-path",
        str(paths.logs),
        *extra,
    ]


def dbt_executable() -> str:
    """The dbt installed beside this Python, so the project's environment is used even if not activated."""
    return str(Path(sys.executable).with_name("dbt"))


def dbt_env(paths: DataPaths) -> dict[str, str]:
    """The environment dbt needs: the data folder and its target folder, no colour codes in output."""
    env = dict(os.environ)
    env[DATA_DIR_VARIABLE] = str(paths.root)
    # dbt's target folder belongs to the data folder it built (an explicit --target-path still wins).
    env.setdefault("DBT_TARGET_PATH", str(paths.dbt_target))
    env.setdefault("DBT_USE_COLORS", "false")
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    # Building part of the project runs only the tests whose every parent is built: a reconciliation
    # test over the whole ledger must not run when one source's models are rebuilt.
    env.setdefault("DBT_INDIRECT_SELECTION", "cautious")
    return env


def run_dbt(
    command: str,
    paths: DataPaths,
    extra: Sequence[str] = (),
    echo: Callable[[str], None] = print,
) -> int:
    """Run dbt, passing each output line to `echo`; return dbt's exit code."""
    paths.logs.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [dbt_executable(), *dbt_args(command, paths, extra)],
        env=dbt_env(paths),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        echo(line.rstrip("\n"))
    return process.wait()


def remove_build_scratch(paths: DataPaths) -> None:
    """Remove the intermediate models' tables once a build passed (a failed one leaves them to inspect)."""
    for file in (paths.build_scratch, Path(f"{paths.build_scratch}.wal")):
        file.unlink(missing_ok=True)
