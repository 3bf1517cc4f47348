"""The dashboard's pages, from the dbt exposures: the end of the lineage graph.

Dagster does not run them (Streamlit reads the published copy whenever someone opens a page); they
are here so the graph shows which marts, through the published copy, each page reads.
"""

import json

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.defs.dbt import aispend_dbt_assets, dbt_project


def _page(exposure: dict) -> dg.AssetSpec:
    models = [
        node.rsplit(".", 1)[-1] for node in exposure["depends_on"]["nodes"] if node.startswith("model.")
    ]
    return dg.AssetSpec(
        dg.AssetKey(["dashboard", exposure["name"].removeprefix("dashboard_")]),
        deps=["serving_copy", *(get_asset_key_for_model([aispend_dbt_assets], model) for model in models)],
        description=f"{exposure.get('label') or exposure['name']}: {exposure.get('description', '').strip()}",
        group_name="dashboard",
        kinds={"streamlit"},
        owners=[f"team:{exposure['owner']['name']}".replace(" ", "_")]
        if exposure.get("owner", {}).get("name")
        else [],
    )


dashboard_pages = [
    _page(exposure)
    for exposure in json.loads(dbt_project.manifest_path.read_text())["exposures"].values()
    if exposure["type"] == "dashboard"
]
