"""dbt unit tests are left out of a build only when they passed on the same project code before."""

from __future__ import annotations

import json
import shutil

import pytest

from orchestration import pipeline, unit_tests
from orchestration.paths import DBT_PROJECT_DIR
from orchestration.unit_tests import every_unit_test_passed, project_fingerprint, skip_unit_tests_args

UNIT_TESTS = ["unit_test.aispend.stg_x.test_a", "unit_test.aispend.stg_x.test_b"]


@pytest.fixture
def project(tmp_path):
    """A copy of the dbt project's code, to edit."""
    copy = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs"))
    return copy


def test_the_fingerprint_changes_with_any_file_of_the_project(project):
    before = project_fingerprint(project)
    model = next(project.glob("models/staging/litellm/*.sql"))

    model.write_text(model.read_text() + "\n-- a comment is a change\n")

    assert project_fingerprint(project) != before


def test_the_fingerprint_ignores_what_dbt_writes_into_the_project(project):
    before = project_fingerprint(project)

    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text("{}")
    (project / "logs").mkdir()
    (project / "logs" / "dbt.log").write_text("a run")

    assert project_fingerprint(project) == before


def test_leaving_unit_tests_out_keeps_what_the_environment_leaves_out(monkeypatch):
    monkeypatch.setenv("DBT_EXCLUDE_RESOURCE_TYPES", "test seed")

    assert skip_unit_tests_args() == [
        "--exclude-resource-type",
        "seed",
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
    ]


def _write_run(paths, statuses: dict[str, str]) -> None:
    """The manifest and run results a dbt build of the two unit tests (and one model) leaves behind."""
    paths.dbt_target.mkdir(parents=True, exist_ok=True)
    manifest = {"unit_tests": {uid: {"name": uid.rsplit(".", 1)[-1]} for uid in UNIT_TESTS}}
    (paths.dbt_target / "manifest.json").write_text(json.dumps(manifest))
    results = [{"unique_id": uid, "status": status} for uid, status in statuses.items()]
    results.append({"unique_id": "model.aispend.stg_x", "status": "success"})
    (paths.dbt_target / "run_results.json").write_text(json.dumps({"results": results}))


def test_every_unit_test_passed_only_when_each_of_the_manifest_ran_and_passed(paths):
    assert not every_unit_test_passed(paths.dbt_target)  # no build yet

    _write_run(paths, dict.fromkeys(UNIT_TESTS, "pass"))
    assert every_unit_test_passed(paths.dbt_target)

    _write_run(paths, {UNIT_TESTS[0]: "pass", UNIT_TESTS[1]: "fail"})
    assert not every_unit_test_passed(paths.dbt_target)

    _write_run(paths, {UNIT_TESTS[0]: "pass"})  # the other was excluded
    assert not every_unit_test_passed(paths.dbt_target)


@pytest.fixture
def fake_dbt(paths, monkeypatch):
    """`pipeline.build` with dbt replaced: records each build's arguments; its unit tests pass or fail."""
    paths.warehouse.parent.mkdir(parents=True)
    paths.warehouse.touch()
    builds: list[list[str]] = []
    outcome = {"unit_tests": "pass"}

    def run_dbt(command, run_paths, extra, echo):
        builds.append(list(extra))
        skipped = "unit_test" in extra
        _write_run(run_paths, {} if skipped else dict.fromkeys(UNIT_TESTS, outcome["unit_tests"]))
        return 0 if skipped or outcome["unit_tests"] == "pass" else 1

    monkeypatch.setattr(pipeline, "run_dbt", run_dbt)
    return builds, outcome


def test_a_build_of_unchanged_code_leaves_out_the_unit_tests_that_passed(paths, fake_dbt):
    builds, _outcome = fake_dbt
    said: list[str] = []

    pipeline.build(paths, echo=said.append)
    pipeline.build(paths, echo=said.append)
    pipeline.build(paths, echo=said.append, full_refresh=True)

    assert builds == [
        [],
        ["--exclude-resource-type", "unit_test"],
        ["--full-refresh", "--exclude-resource-type", "unit_test"],
    ]
    assert (
        said.count(
            "dbt unit tests: left out, they passed on this project's code before (any change runs them)."
        )
        == 2
    )


def test_changed_code_runs_the_unit_tests_again(paths, fake_dbt, monkeypatch):
    builds, _outcome = fake_dbt
    pipeline.build(paths, echo=lambda _line: None)

    monkeypatch.setattr(unit_tests, "project_fingerprint", lambda: "the code after an edit")
    pipeline.build(paths, echo=lambda _line: None)
    pipeline.build(paths, echo=lambda _line: None)

    assert builds == [[], [], ["--exclude-resource-type", "unit_test"]]


def test_a_failed_unit_test_is_run_again_by_the_next_build(paths, fake_dbt):
    builds, outcome = fake_dbt
    outcome["unit_tests"] = "fail"

    with pytest.raises(pipeline.PipelineError, match="dbt build failed"):
        pipeline.build(paths, echo=lambda _line: None)
    outcome["unit_tests"] = "pass"
    pipeline.build(paths, echo=lambda _line: None)

    assert builds == [[], []]


def test_the_demo_build_recorded_that_this_code_passed_its_unit_tests(demo_paths):
    """The record written from dbt's real manifest and run results, not the fakes above."""
    record = demo_paths.dbt_target / "unit_tests_passed.sha256"

    assert record.read_text().strip() == project_fingerprint()
