"""One Dagster asset per raw source, keyed like its dbt source so lineage joins without a translator."""

import dagster as dg

from ingest.loader import FileLoad, spec_for_file
from ingest.price_catalogue import catalogue_version, load_catalogue
from ingest.registry import SOURCES
from ingest.spec import SourceSpec
from orchestration import pipeline
from orchestration.paths import data_paths


def source_asset_key(spec: SourceSpec) -> dg.AssetKey:
    """The asset key of a raw source: [dbt source name, dbt table name]."""
    return dg.AssetKey([spec.name, spec.source_table])


def _metadata(loads: list[FileLoad]) -> dict[str, dg.MetadataValue]:
    return {
        "files": dg.MetadataValue.int(len(loads)),
        "files_rejected": dg.MetadataValue.int(sum(load.status == "rejected" for load in loads)),
        "rows_loaded": dg.MetadataValue.int(sum(load.rows_loaded for load in loads)),
        "rows_quarantined": dg.MetadataValue.int(sum(load.rows_quarantined for load in loads)),
        "loads": dg.MetadataValue.md(
            "\n".join(f"- `{load.file}`: {load.status}, {load.rows_loaded} rows" for load in loads)
            or "No new files."
        ),
    }


def _landing_folder_asset(folder: str, specs: list[SourceSpec]) -> dg.AssetsDefinition:
    """One op per landing folder; it materialises every raw table the folder feeds."""
    keys = [source_asset_key(spec) for spec in specs]

    @dg.multi_asset(
        name=f"ingest_{folder}",
        specs=[
            dg.AssetSpec(key, group_name="raw", description=spec.description, kinds={"duckdb"})
            for key, spec in zip(keys, specs, strict=True)
        ],
        check_specs=[
            dg.AssetCheckSpec(
                "no_rejected_files",
                asset=key,
                description="Every file landed since the last run could be loaded (bad rows aside).",
            )
            for key in keys
        ],
    )
    def _ingest(context: dg.AssetExecutionContext):
        loads = pipeline.ingest(data_paths(), only=[folder])
        for load in loads:
            if load.status == "rejected":
                context.log.error(f"rejected {load.file}: {load.error}")
        for key, spec in zip(keys, specs, strict=True):
            own = [load for load in loads if spec_for_file(specs, load.file.rsplit("/", 1)[-1]) is spec]
            rejected = [load for load in own if load.status == "rejected"]
            yield dg.MaterializeResult(asset_key=key, metadata=_metadata(own))
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name="no_rejected_files",
                passed=not rejected,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={
                    "rejected": dg.MetadataValue.md(
                        "\n".join(f"- `{r.file}`: {r.error}" for r in rejected) or "none"
                    )
                },
            )

    return _ingest


def _folders() -> dict[str, list[SourceSpec]]:
    folders: dict[str, list[SourceSpec]] = {}
    for spec in SOURCES:
        folders.setdefault(spec.name, []).append(spec)
    return folders


raw_source_assets = [_landing_folder_asset(folder, specs) for folder, specs in _folders().items()]


@dg.asset(
    key=dg.AssetKey(["genai_prices", "model_prices"]),
    group_name="raw",
    kinds={"duckdb"},
    description="List prices from the genai-prices catalogue snapshot installed with aispend.",
)
def price_catalogue() -> dg.MaterializeResult:
    with pipeline.warehouse_connection(data_paths()) as con:
        rows = load_catalogue(con)
    return dg.MaterializeResult(
        metadata={"rows": dg.MetadataValue.int(rows), "catalogue": catalogue_version()}
    )
