"""One Dagster asset per raw source, keyed like its dbt source so lineage joins without a translator.

Each landing folder's op loads its new files, then validates them with the tables' Great
Expectations suites. Per raw table it reports three checks: no rejected files, no critical
expectation failed (blocking: the dbt models downstream do not run), and no warning.
"""

import dagster as dg

from ingest.loader import FileLoad, spec_for_file
from ingest.price_catalogue import catalogue_version, load_catalogue
from ingest.registry import SOURCES
from ingest.spec import SourceSpec
from orchestration import pipeline
from orchestration.defs.retries import retry_when_busy
from orchestration.paths import data_paths
from orchestration.validation import BlockedFile, Validation, describe


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
        check_specs=[spec for key in keys for spec in _check_specs(key)],
    )
    def _ingest(context: dg.AssetExecutionContext):
        with retry_when_busy(context):
            loads = pipeline.ingest(data_paths(), only=[folder])
            validation, blocked = pipeline.validate_loads(data_paths(), only=[folder])
        for load in loads:
            if load.status == "rejected":
                context.log.error(f"rejected {load.file}: {load.error}")
        for key, spec in zip(keys, specs, strict=True):
            own = [load for load in loads if spec_for_file(specs, load.file.rsplit("/", 1)[-1]) is spec]
            rejected = [load for load in own if load.status == "rejected"]
            yield dg.MaterializeResult(asset_key=key, metadata=_metadata(own))
            yield from _expectation_checks(key, spec, validation, blocked)
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


def _check_specs(key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            "no_rejected_files",
            asset=key,
            description="Every file landed since the last run could be loaded (bad rows aside).",
        ),
        dg.AssetCheckSpec(
            "critical_expectations",
            asset=key,
            blocking=True,
            description="No landed file breaks a critical Great Expectations expectation of this table.",
        ),
        dg.AssetCheckSpec(
            "warning_expectations",
            asset=key,
            description="New loads meet this table's warning expectations (new vendor values, say).",
        ),
    ]


def _expectation_checks(
    key: dg.AssetKey, spec: SourceSpec, validation: Validation, blocked: list[BlockedFile]
) -> list[dg.AssetCheckResult]:
    own_blocked = [b for b in blocked if spec_for_file([spec], b.file.rsplit("/", 1)[-1]) is spec]
    own = [o for o in validation.outcomes if o.raw_table == spec.table]
    critical = [describe(o) for o in validation.critical_failures if o.raw_table == spec.table]
    warnings = [describe(o) for o in validation.warnings if o.raw_table == spec.table]
    docs = dg.MetadataValue.path(str(validation.docs))
    return [
        dg.AssetCheckResult(
            asset_key=key,
            check_name="critical_expectations",
            passed=not own_blocked,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "expectations_checked": dg.MetadataValue.int(len(own)),
                "blocked_files": dg.MetadataValue.md(
                    "\n".join(f"- `{b.file}`: {b.problems}" for b in own_blocked) or "none"
                ),
                "failures": dg.MetadataValue.md("\n".join(f"- {line}" for line in critical) or "none"),
                "data_docs": docs,
            },
        ),
        dg.AssetCheckResult(
            asset_key=key,
            check_name="warning_expectations",
            passed=not warnings,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"warnings": dg.MetadataValue.md("\n".join(f"- {line}" for line in warnings) or "none")},
        ),
    ]


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


LOADER_RECORDS = ("file_loads", "quarantine", "expectation_results", "load_validations")


@dg.multi_asset(
    name="loader_records",
    specs=[
        dg.AssetSpec(
            dg.AssetKey(["ingest", table]),
            group_name="raw",
            kinds={"duckdb"},
            deps=[key for assets in raw_source_assets for key in assets.keys],
            description=f"The loader's and the validation's own record: ingest.{table}.",
        )
        for table in LOADER_RECORDS
    ],
)
def loader_records():
    """What every landing folder's load and validation wrote, once they have all run."""
    with pipeline.warehouse_connection(data_paths(), read_only=True) as con:
        for table in LOADER_RECORDS:
            rows = con.execute(f"select count(*) from ingest.{table}").fetchone()[0]
            yield dg.MaterializeResult(
                asset_key=dg.AssetKey(["ingest", table]), metadata={"rows": dg.MetadataValue.int(rows)}
            )
