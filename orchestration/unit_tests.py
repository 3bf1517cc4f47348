"""dbt unit tests run when the project's code changed since they last passed on this data folder.

A unit test checks a model's SQL against the fixed rows written in its YAML: with the same SQL,
macros, seeds and dbt, it gives the same answer whatever the warehouse holds. So a build records the
project's fingerprint once its unit tests passed, and later builds of an unchanged project leave
them out (96 tests, about half a daily build's time). Any edit to the project, or another dbt or
DuckDB version, changes the fingerprint and the next build runs them again; CI always runs them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from orchestration.paths import DBT_PROJECT_DIR, DataPaths

# What dbt writes into the project (its output folders, its user id file), not what it reads.
_NOT_CODE = {"target", "logs", ".user.yml"}
_VERSIONED = ("dbt-core", "dbt-duckdb", "duckdb")
EXCLUDED_VARIABLE = "DBT_EXCLUDE_RESOURCE_TYPES"
LEFT_OUT = "dbt unit tests: left out, they passed on this project's code before (any change runs them)."


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """A hash of every file of the dbt project (its path and bytes) and of the dbt and DuckDB versions."""
    digest = hashlib.sha256()
    for package in _VERSIONED:
        digest.update(f"{package}=={version(package)}\n".encode())
    files = sorted(
        p
        for p in project_dir.rglob("*")
        if p.is_file() and p.relative_to(project_dir).parts[0] not in _NOT_CODE
    )
    for file in files:
        digest.update(f"{file.relative_to(project_dir).as_posix()}\n".encode())
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def _record(paths: DataPaths) -> Path:
    return paths.dbt_target / "unit_tests_passed.sha256"


def unit_tests_passed_on(paths: DataPaths, fingerprint: str) -> bool:
    """Whether this data folder's builds have passed the unit tests of the project with `fingerprint`."""
    record = _record(paths)
    return record.exists() and record.read_text().strip() == fingerprint


def skip_unit_tests_args() -> list[str]:
    """dbt arguments leaving the unit tests out, and whatever DBT_EXCLUDE_RESOURCE_TYPES leaves out.

    dbt's flag replaces the variable rather than adding to it, so both go into the flag.
    """
    excluded = {"unit_test", *os.environ.get(EXCLUDED_VARIABLE, "").split()}
    return [arg for kind in sorted(excluded) for arg in ("--exclude-resource-type", kind)]


def every_unit_test_passed(target: Path) -> bool:
    """Whether the dbt run that wrote the `target` folder ran every unit test of its manifest, all passing."""
    try:
        manifest = json.loads((target / "manifest.json").read_text())
        results = json.loads((target / "run_results.json").read_text())
    except FileNotFoundError:
        return False
    unit_tests = set(manifest.get("unit_tests", {}))
    passed = {r["unique_id"] for r in results["results"] if r["status"] == "pass"}
    return bool(unit_tests) and unit_tests <= passed


def record_unit_tests_passed(paths: DataPaths, fingerprint: str) -> None:
    """Remember that a build of the project with `fingerprint` passed every unit test."""
    record = _record(paths)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(fingerprint + "\n")


def unit_test_args(paths: DataPaths, say: Callable[[str], None]) -> tuple[str, list[str]]:
    """The project's fingerprint, and the dbt arguments leaving out unit tests that passed on it here."""
    fingerprint = project_fingerprint()
    if not unit_tests_passed_on(paths, fingerprint):
        return fingerprint, []
    say(LEFT_OUT)
    return fingerprint, skip_unit_tests_args()


def remember_unit_tests(paths: DataPaths, fingerprint: str, target: Path) -> None:
    """After a passing build: record `fingerprint` if the run that wrote `target` passed every unit test."""
    if every_unit_test_passed(target):
        record_unit_tests_passed(paths, fingerprint)
