"""dbt is called with the project, its profiles and a log folder under the data folder."""

from __future__ import annotations

from orchestration import dbt
from orchestration.dbt import dbt_args, dbt_env, parse_cache_file, run_dbt
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


def test_dbt_runs_in_the_data_folder_which_the_profile_names_as_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("AISPEND_DATA_DIR", "relative/elsewhere")

    assert dbt_env(data_paths(tmp_path))["AISPEND_DATA_DIR"] == "."


def test_a_new_data_folder_starts_from_the_project_parsed_for_another(tmp_path, monkeypatch):
    monkeypatch.setattr(dbt, "PARSE_CACHE_DIR", tmp_path / "cache")
    said: dict[str, list[str]] = {"a": [], "b": []}

    for folder in ("a", "b"):
        assert run_dbt("parse", data_paths(tmp_path / folder), echo=said[folder].append) == 0

    assert any("Starting full parse" in line for line in said["a"])
    assert not any("Unable to do partial parsing" in line for line in said["b"]), "\n".join(said["b"])
    assert (tmp_path / "b" / "dbt-target" / "partial_parse.msgpack").is_file()
    assert parse_cache_file([]).is_file()


def test_each_target_and_set_of_vars_has_its_own_parsed_project():
    default = parse_cache_file([])

    assert parse_cache_file(["--select", "marts"]) == default
    assert parse_cache_file(["--target", "spark"]) != default
    assert parse_cache_file(["--vars", '{"rebuild_from": "2026-01-01"}']) != default


def test_each_data_folder_has_its_own_dbt_target_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)

    assert dbt_env(data_paths(tmp_path / "a"))["DBT_TARGET_PATH"] == str(tmp_path / "a" / "dbt-target")
    assert dbt_env(data_paths(tmp_path / "b"))["DBT_TARGET_PATH"] == str(tmp_path / "b" / "dbt-target")


def test_a_parse_cache_that_cannot_be_written_leaves_dbt_to_parse_in_full(tmp_path, monkeypatch):
    # A file where the cache folder should be: no user, root included, can write under it.
    blocked = tmp_path / "blocked"
    blocked.write_text("")
    monkeypatch.setattr(dbt, "PARSE_CACHE_DIR", blocked / "cache")
    parsed = tmp_path / "dbt-target" / "partial_parse.msgpack"
    parsed.parent.mkdir()
    parsed.write_bytes(b"parsed")

    dbt._copy_atomically(parsed, parse_cache_file([]))

    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked", "dbt-target"]
    assert sorted(p.name for p in parsed.parent.iterdir()) == ["partial_parse.msgpack"]
