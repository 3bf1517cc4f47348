"""Every dashboard page is a dbt exposure, and the exposures name every mart the dashboard reads."""

from __future__ import annotations

import json
import re
from pathlib import Path

from orchestration.dbt import run_dbt

APP = Path(__file__).parents[2] / "app"


def _exposures(paths, tmp_path) -> list[dict]:
    assert run_dbt("parse", paths, ["--target-path", str(tmp_path)], echo=lambda _line: None) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    return list(manifest["exposures"].values())


def test_each_page_has_an_exposure_naming_the_marts_the_dashboard_reads(paths, tmp_path):
    exposures = _exposures(paths, tmp_path)

    pages = {f"app/views/{page.name}" for page in (APP / "views").glob("*.py") if page.name != "__init__.py"}
    assert {exposure["meta"]["page"] for exposure in exposures} == pages
    exposed = {node.split(".")[-1] for exposure in exposures for node in exposure["depends_on"]["nodes"]}
    sql = "".join(module.read_text() for module in (APP / "queries").glob("*.py"))
    read = set(re.findall(r"\bmarts\.(\w+)", sql))
    assert read, "the queries module reads marts"
    assert read <= exposed, f"marts the dashboard reads without an exposure: {sorted(read - exposed)}"
