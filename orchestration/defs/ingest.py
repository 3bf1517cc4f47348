"""One Dagster asset per raw source, keyed like its dbt source so lineage joins without a translator."""

import dagster as dg

from ingest.loader import FileLoad
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


def _raw_source_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    key = source_asset_key(spec)

    @dg.multi_asset(
        name=f"ingest_{spec.name}",
        specs=[dg.AssetSpec(key, group_name="raw", description=spec.description, kinds={"duckdb"})],
        check_specs=[
            dg.AssetCheckSpec(
                "no_rejected_files",
                asset=key,
                description="Every file landed since the last run could be loaded (bad rows aside).",
            )
        ],
    )
    def _ingest(context: dg.AssetExecutionContext):
        loads = pipeline.ingest(data_paths(), only=[spec.name])
        rejected = [load for load in loads if load.status == "rejected"]
        for load in rejected:
            context.log.error(f"rejected {load.file}: {load.error}")
        yield dg.MaterializeResult(asset_key=key, metadata=_metadata(loads))
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


raw_source_assets = [_raw_source_asset(spec) for spec in SOURCES]
