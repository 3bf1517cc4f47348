"""dbt is called with the project, its profiles and a log folder under the data folder."""

from __future__ import annotations

from orchestration.dbt import dbt_args, dbt_env
from orchestration.paths import DBT_PROJECT_DIR, data_paths


def test_dbt_args_point_at_the_project_and_the_data_folder(tmp_path):
    paths = data_paths(tmp_path)

    assert dbt_args("build", paths, ["--select", "marts"]) == [
        "build",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--log-path",
        str(tmp_path / "logs"),
        "--select",
        "marts",
    ]


def test_dbt_env_carries_the_absolute_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("AISPEND_DATA_DIR", "relative/elsewhere")

    assert dbt_env(data_paths(tmp_path))["AISPEND_DATA_DIR"] == str(tmp_path)


def test_each_data_folder_has_its_own_dbt_target_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)

    assert dbt_env(data_paths(tmp_path / "a"))["DBT_TARGET_PATH"] == str(tmp_path / "a" / "dbt-target")
    assert dbt_env(data_paths(tmp_path / "b"))["DBT_TARGET_PATH"] == str(tmp_path / "b" / "dbt-target")
