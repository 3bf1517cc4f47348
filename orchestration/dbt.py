"""Running dbt on the project: argument building (pure) and the subprocess that runs it.

dbt runs in its own process: its global state never leaks into ours, and killing it mid-build
cannot leave our process holding the warehouse open.

It runs inside the data folder, which the profile names as `.`: the profile is then the same for every
data folder, so the project dbt parsed for one serves the next. dbt reparses the project in full
(about 6 seconds) whenever its profile, vars or files change; a new data folder starts from the
parse last saved for the same target and vars (`dbt_project/target/parse-cache/`), and dbt's own
checks still reparse whatever changed since.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

from orchestration.paths import DATA_DIR_VARIABLE, DBT_PROJECT_DIR, DataPaths

TARGET_VARIABLE = "AISPEND_DBT_TARGET"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
PARSE_CACHE_DIR = DBT_PROJECT_DIR / "target" / "parse-cache"


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
    """The environment dbt needs, run inside the data folder: its target folder, no colour codes."""
    env = dict(os.environ)
    env[DATA_DIR_VARIABLE] = "."
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
    """Run dbt in the data folder, passing each output line to `echo`; return dbt's exit code."""
    paths.logs.mkdir(parents=True, exist_ok=True)
    env = dbt_env(paths)
    parsed = target_path(env, extra) / PARTIAL_PARSE_FILE
    shared = parse_cache_file(extra)
    if not parsed.exists():
        _copy_atomically(shared, parsed)
    process = subprocess.Popen(
        [dbt_executable(), *dbt_args(command, paths, extra)],
        env=env,
        cwd=paths.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        echo(line.rstrip("\n"))
    code = process.wait()
    _copy_atomically(parsed, shared)
    return code


def target_path(env: dict[str, str], extra: Sequence[str]) -> Path:
    """The target folder dbt writes to: an explicit --target-path, else the one `env` names."""
    chosen = _option_values(extra, "--target-path")
    return Path(chosen[-1]) if chosen else Path(env["DBT_TARGET_PATH"])


def parse_cache_file(extra: Sequence[str]) -> Path:
    """Where the parsed project for this target and these vars is shared between data folders."""
    chosen = [*_option_values(extra, "--target"), *_option_values(extra, "--vars")]
    key = "\0".join([os.environ.get(TARGET_VARIABLE, ""), *chosen])
    return PARSE_CACHE_DIR / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.msgpack"


def _option_values(extra: Sequence[str], option: str) -> list[str]:
    return [value for name, value in pairwise(extra) if name == option]


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy `source`, if it exists, so that a reader of `target` never sees half a file.

    The parse is only ever a head start: where it cannot be copied (an installed, read-only
    project), dbt parses in full, as it would without it.
    """
    if not source.exists():
        return
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    except OSError:
        if partial.exists():
            partial.unlink()


def remove_build_scratch(paths: DataPaths) -> None:
    """Remove the intermediate models' tables once a build passed (a failed one leaves them to inspect)."""
    for file in (paths.build_scratch, Path(f"{paths.build_scratch}.wal")):
        file.unlink(missing_ok=True)
