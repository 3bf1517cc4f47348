"""OpenAI organisation usage: results of the Admin API's Usage endpoints, one row per result.

Formats accepted (see `ingest.openai_pages`):

- API pages from any usage endpoint (`/v1/organization/usage/completions`, `embeddings`,
  `moderations`, `images`, `audio_speeches`, `audio_transcriptions`, `vector_stores`,
  `code_interpreter_sessions`, `file_search_calls`, `web_search_calls`), as returned: one page, a
  JSON array of pages or JSON Lines of pages. Each result's `object`
  (`organization.usage.completions.result`, ...) says which endpoint it came from.
- The usage dashboard's CSV/TSV export of completions: counts rendered as floats ("59200.0"),
  `batch` as TRUE/FALSE, and a row with only the four time columns for a bucket without usage.
  It has no `object` column: its rows are completions results, and a file with neither an `object`
  nor an `output_tokens` column is rejected rather than guessed at.

What is kept: every documented result field (all optional but the object and the bucket times, as
older captures lack the token breakdowns), the bucket's `start_time` and `end_time` as the epoch
seconds the API sends (start inclusive, end exclusive; the newest bucket of a pull ends when the
pull was made, so a bucket is first delivered partial and restated later), and the grouping
dimensions. A NULL dimension means the request was not grouped by it, not "unknown". `source` (of
an image) is loaded as `image_source`. Dropped: the export's ISO copies of the bucket times, which
say nothing the epoch seconds do not. Empty buckets give no rows.

`user_id` and `api_key_id` are OpenAI's ids (`user-...`, `key_...`), not secrets; a raw key found
there is redacted like any secret, and no prompt text exists in this source.

Token semantics are kept as sent and converted in staging: `input_tokens` includes cached and
cache-write tokens; `input_uncached_tokens` excludes cache writes; `input_text_tokens` is uncached.

Rows are unloadable when the bucket times or the object are missing, a count is negative or not a
whole number, the bucket ends before it starts, or the object is not a usage result (a costs page
landed in the wrong folder).
"""

from __future__ import annotations

from pathlib import Path

from ingest import openai_pages
from ingest.errors import RejectedFile
from ingest.records import Records
from ingest.spec import Field, SourceSpec

FOLDER = "openai_usage"
COMPLETIONS_OBJECT = "organization.usage.completions.result"

# Every count a usage result may carry, across endpoints.
COUNT_FIELDS = (
    "input_tokens",
    "input_cached_tokens",
    "input_cache_write_tokens",
    "input_uncached_tokens",
    "output_tokens",
    "input_text_tokens",
    "output_text_tokens",
    "input_cached_text_tokens",
    "input_audio_tokens",
    "input_cached_audio_tokens",
    "output_audio_tokens",
    "input_image_tokens",
    "input_cached_image_tokens",
    "output_image_tokens",
    "num_model_requests",
    "images",
    "characters",
    "seconds",
    "usage_bytes",
    "num_sessions",
    "num_requests",
)
# Set only when the request grouped by them.
DIMENSION_FIELDS = (
    "project_id",
    "user_id",
    "api_key_id",
    "model",
    "service_tier",
    "size",
    "vector_store_id",
    "context_level",
)


# Ids, never secrets; a key pasted where its id belongs is redacted all the same.
_SCRUBBED = "aispend_scrub({text})"


def _completions_export(columns: tuple[str, ...]) -> None:
    if "object" not in columns and "output_tokens" not in columns:
        raise RejectedFile(
            "a usage export without an object column is read as the completions export, which has "
            f"an output_tokens column; this one has: {', '.join(columns)}"
        )


def _export(path: Path) -> Records:
    return openai_pages.dashboard_export(
        path,
        openai_pages.BUCKET_COLUMNS,
        constants={"object": COMPLETIONS_OBJECT},
        check_header=_completions_export,
    )


SPEC = SourceSpec(
    name=FOLDER,
    table="openai_usage_results",
    description="OpenAI Admin API usage results, one row per result of a time bucket.",
    natural_key=("start_time", "object", *DIMENSION_FIELDS, "batch", "image_source"),
    reader=openai_pages.reader(openai_pages.bucket_results, _export),
    dropped_keys=("start_time_iso", "end_time_iso"),
    checks=(
        (
            "object is not null and not starts_with(object, 'organization.usage.')",
            "object is not an OpenAI usage result (organization.usage.<endpoint>.result)",
        ),
        (
            "try_cast(end_time as double) <= try_cast(start_time as double)",
            "bucket end_time is not after its start_time",
        ),
    ),
    fields=(
        Field("object", "VARCHAR", required=True),
        Field("start_time", "BIGINT", required=True, non_negative=True),
        Field("end_time", "BIGINT", required=True, non_negative=True),
        Field("project_id", "VARCHAR"),
        Field("user_id", "VARCHAR", expr=_SCRUBBED),
        Field("api_key_id", "VARCHAR", expr=_SCRUBBED),
        Field("model", "VARCHAR"),
        Field("batch", "BOOLEAN"),
        Field("service_tier", "VARCHAR"),
        Field("size", "VARCHAR"),
        Field("image_source", "VARCHAR", key="source"),
        Field("vector_store_id", "VARCHAR"),
        Field("context_level", "VARCHAR"),
        *(Field(name, "BIGINT", non_negative=True) for name in COUNT_FIELDS),
    ),
)
