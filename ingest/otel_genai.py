"""OpenTelemetry GenAI spans: the model calls a service traces, as the Collector's file exporter writes them.

Format: OTLP JSON, one `ExportTraceServiceRequest` a line (JSON Lines, gzip or not), as written by
the Collector's `file` exporter, `{"resourceSpans": [{"resource": {"attributes": [...]},
"scopeSpans": [{"scope": {...}, "spans": [...]}]}]}`. A file holding one such request pretty-printed
over several lines (an OTLP/HTTP JSON body saved to disk) is read too. Attribute values are
OTLP `AnyValue` objects: `intValue` is a string in OTLP JSON (a number is accepted), times are
nanosecond epochs as strings, ids are hex, enums (`kind`, `status.code`) integers. The protobuf
JSON spellings in snake_case (`resource_spans`, `trace_id`, `string_value`, ...) are accepted.

One record per GenAI span: a span with at least one `gen_ai.*` attribute. Other spans (HTTP
servers, databases, the service's own task spans) are not model calls and not records of this
source: they are neither loaded nor counted, so rows_read counts GenAI spans only (plus lines or
spans too broken to tell, which are quarantined; see below). Agent and tool spans
(`invoke_agent`, `execute_tool`) are GenAI spans and load; staging flags which spans are model
calls, because an agent span's token counts total its child calls'.

Each record is flat: the span's OTLP fields under their OTLP names (`traceId`, `spanId`,
`parentSpanId`, `name`, `kind`, `startTimeUnixNano`, `endTimeUnixNano`) plus `statusCode`,
`statusMessage`, `scopeName`, `scopeVersion`, `eventCount`, `exceptionType` (from the first
`exception` event) and `lineNumber` (the file line of its export request); then the resource's
attributes and the span's attributes under their own dotted keys (a span attribute wins over a
resource attribute of the same key). Loaded as typed columns:

- resource: `service.name`, `service.namespace`, `service.version`, `service.instance.id`,
  `deployment.environment.name` (and the deprecated `deployment.environment`), `cloud.provider`,
  `cloud.region`, `cloud.account.id`, `telemetry.sdk.language`, `telemetry.sdk.version`;
- GenAI: `gen_ai.provider.name` and the deprecated `gen_ai.system`, `gen_ai.operation.name`,
  `gen_ai.request.model`, `gen_ai.response.model`, `gen_ai.response.id`,
  `gen_ai.response.finish_reasons`, `gen_ai.request.max_tokens`, `gen_ai.request.temperature`,
  `gen_ai.conversation.id`, `gen_ai.agent.id`, `gen_ai.agent.name`, the usage counts
  `gen_ai.usage.input_tokens` (which INCLUDES cache reads and writes), `.output_tokens`
  (which includes reasoning), `.cache_read.input_tokens`, `.cache_creation.input_tokens`,
  `.reasoning.output_tokens`, the deprecated `.prompt_tokens`/`.completion_tokens` and
  OpenLLMetry's `.cache_read_input_tokens`/`.cache_creation_input_tokens`; `openai.request.service_tier`,
  `openai.response.service_tier` (and their former `gen_ai.openai.*` names), `server.address`,
  `server.port`, `error.type`;
- business work, set by the calling service on its spans (with the Python SDK's
  `BaggageSpanProcessor`, say, so client spans carry them): `app.workflow.id`, `app.task.id`,
  `app.task.attempt`, `app.team.id`. Keys on an ancestor span only are not looked for: the
  ancestor is not a record and may sit in another export request.

Any other attribute is kept, secrets scrubbed, in `_extra` (schema drift). What never loads:
prompt and completion content. `gen_ai.input.messages`, `gen_ai.output.messages`,
`gen_ai.system_instructions`, `gen_ai.prompt`, `gen_ai.completion`, tool call arguments and
results, OpenLLMetry's indexed `gen_ai.prompt.N.*`/`gen_ai.completion.N.*`, and any other
attribute whose last name part says content (`messages`, `content`, `prompt`, `text`, ...) are
dropped while reading, and span events (`gen_ai.user.message`, `gen_ai.choice`, exceptions) are
reduced to their count and the exception type, so their bodies never reach the warehouse.

Broken input: a line that is not JSON, or not an export request, is one quarantined record (its
spans cannot be known); a span whose structure is broken (attributes not a list) is one
quarantined record; neither keeps its text, which may hold prompts. A span with unusable values
(ids that are not hex, a token count that is not a whole number, cache tokens above the input
tokens that include them) is quarantined by the usual field checks with its flattened record.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa

from ingest import records as readers
from ingest.errors import RejectedFile
from ingest.spec import Field, SourceSpec

FOLDER = "otel_genai"
BATCH_RECORDS = 20_000

# Attributes holding prompt, completion or tool content (semantic conventions and their forerunners).
CONTENT_ATTRIBUTES = frozenset(
    (
        "gen_ai.input.messages",
        "gen_ai.output.messages",
        "gen_ai.system_instructions",
        "gen_ai.prompt",
        "gen_ai.completion",
        "gen_ai.tool.call.arguments",
        "gen_ai.tool.call.result",
        "gen_ai.tool.definitions",
    )
)
CONTENT_PREFIXES = ("gen_ai.prompt.", "gen_ai.completion.", "llm.prompts", "llm.completions")
# The last part of an attribute name that says the value is content, whatever the namespace.
CONTENT_NAME_PARTS = frozenset(
    (
        "messages",
        "message",
        "response",
        "content",
        "prompt",
        "prompts",
        "completion",
        "completions",
        "input",
        "output",
        "instructions",
        "system_instructions",
        "arguments",
        "result",
        "text",
        "body",
        "query",
        "documents",
    )
)

# An attribute named like one of the span's own fields (`name`, `kind`) is kept under this prefix.
COLLIDING_PREFIX = "attribute:"


def is_content_attribute(key: str) -> bool:
    """True when an attribute's value is (or may be) prompt, completion or tool content."""
    if key in CONTENT_ATTRIBUTES or key.startswith(CONTENT_PREFIXES):
        return True
    return key.rsplit(".", 1)[-1] in CONTENT_NAME_PARTS


class _Broken(Exception):
    """A part of an export request that cannot be read; the message says which and why."""


@cache
def snake_case(camel: str) -> str:
    """A protobuf JSON field's proto name: traceId is trace_id."""
    return "".join("_" + c.lower() if c.isupper() else c for c in camel)


def _get(message: dict, camel: str) -> object:
    """A protobuf JSON field by its lowerCamelCase name or, as parsers also accept, its proto name."""
    if camel in message:
        return message[camel]
    return message.get(snake_case(camel))


_SCALAR_VALUES = frozenset(
    name
    for camel in ("stringValue", "intValue", "doubleValue", "boolValue", "bytesValue")
    for name in (camel, snake_case(camel))
)


def any_value(value: object) -> object:
    """The plain JSON value of an OTLP AnyValue: ints stay as sent (a string in OTLP JSON)."""
    if not isinstance(value, dict):
        return None
    for key, inner in value.items():
        if inner is None:
            continue
        if key in _SCALAR_VALUES:
            return inner
        if key in ("arrayValue", "array_value") and isinstance(inner, dict):
            values = inner.get("values")
            return [any_value(v) for v in values] if isinstance(values, list) else []
        if key in ("kvlistValue", "kvlist_value") and isinstance(inner, dict):
            return attributes(inner.get("values") or [], "kvlistValue")
    return None


def attributes(items: object, where: str) -> dict[str, object]:
    """A list of OTLP KeyValue as a dict, content attributes left out."""
    if items is None:
        return {}
    if not isinstance(items, list):
        raise _Broken(f"{where} attributes are not a list")
    out: dict[str, object] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise _Broken(f"{where} has an attribute without a key")
        if not is_content_attribute(item["key"]):
            out[item["key"]] = any_value(item.get("value"))
    return out


def _is_genai(items: object) -> bool:
    return isinstance(items, list) and any(
        isinstance(i, dict) and str(i.get("key", "")).startswith("gen_ai.") for i in items
    )


def _list(message: dict, camel: str, where: str) -> list:
    found = _get(message, camel)
    if found is None:
        return []
    if not isinstance(found, list):
        raise _Broken(f"{where}.{camel} is not a list")
    return found


def _object(value: object, where: str) -> dict:
    if not isinstance(value, dict):
        raise _Broken(f"{where} is not an object")
    return value


def _events(span: dict, where: str) -> tuple[int, object]:
    """How many events the span has, and the type of its first exception; bodies are not read."""
    events = _list(span, "events", where)
    exception_type = None
    for event in events:
        if exception_type is not None or not isinstance(event, dict) or event.get("name") != "exception":
            continue
        event_attributes = event.get("attributes")
        if isinstance(event_attributes, list):
            found = [a for a in event_attributes if isinstance(a, dict) and a.get("key") == "exception.type"]
            exception_type = any_value(found[0].get("value")) if found else None
    return len(events), exception_type


def span_record(span: dict, resource: dict[str, object], scope: dict, line: int, where: str) -> dict:
    """One flat record of a GenAI span: its OTLP fields, then resource and span attributes."""
    status = _get(span, "status") or {}
    if not isinstance(status, dict):
        raise _Broken(f"{where}.status is not an object")
    event_count, exception_type = _events(span, where)
    record = {
        "traceId": _get(span, "traceId"),
        "spanId": _get(span, "spanId"),
        "parentSpanId": _get(span, "parentSpanId"),
        "name": _get(span, "name"),
        "kind": _get(span, "kind"),
        "startTimeUnixNano": _get(span, "startTimeUnixNano"),
        "endTimeUnixNano": _get(span, "endTimeUnixNano"),
        "statusCode": _get(status, "code"),
        "statusMessage": _get(status, "message"),
        "scopeName": _get(scope, "name"),
        "scopeVersion": _get(scope, "version"),
        "eventCount": event_count,
        "exceptionType": exception_type,
        "lineNumber": line,
    }
    for key, value in {**resource, **attributes(_get(span, "attributes"), where)}.items():
        record[COLLIDING_PREFIX + key if key in record else key] = value
    return record


def request_records(document: object, line: int) -> list[dict | tuple[str, str]]:
    """Records of the GenAI spans of one export request; a broken span gives (reason, safe text).

    Raises _Broken when the request itself cannot be read: none of its spans can be trusted.
    """
    if not isinstance(document, dict):
        raise _Broken("not an OTLP ExportTraceServiceRequest object")
    out: list[dict | tuple[str, str]] = []
    for r, resource_spans in enumerate(_list(document, "resourceSpans", "request")):
        where_r = f"resourceSpans[{r}]"
        resource_spans = _object(resource_spans, where_r)
        resource = _object(_get(resource_spans, "resource") or {}, f"{where_r}.resource")
        resource_attributes = attributes(_get(resource, "attributes"), f"{where_r}.resource")
        for s, scope_spans in enumerate(_list(resource_spans, "scopeSpans", where_r)):
            where_s = f"{where_r}.scopeSpans[{s}]"
            scope_spans = _object(scope_spans, where_s)
            scope = _object(_get(scope_spans, "scope") or {}, f"{where_s}.scope")
            for n, span in enumerate(_list(scope_spans, "spans", where_s)):
                where = f"{where_s}.spans[{n}]"
                try:
                    span = _object(span, where)
                    items = _get(span, "attributes")
                    if items is None or (isinstance(items, list) and not _is_genai(items)):
                        continue
                    out.append(span_record(span, resource_attributes, scope, line, where))
                except _Broken as exc:
                    out.append((f"line {line}: {exc}", _safe_text(span)))
    return out


def _safe_text(span: object) -> str:
    """What a quarantined span keeps of its text: its ids and times, never attributes or events."""
    if not isinstance(span, dict):
        return json.dumps({"span": type(span).__name__})
    keep = ("traceId", "spanId", "parentSpanId", "name", "startTimeUnixNano", "endTimeUnixNano")
    return json.dumps({k: _get(span, k) for k in keep if _get(span, k) is not None})


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Numbered non-blank lines of the file, or the whole file as line 1 when it is one document."""
    opener = gzip.open if readers.is_gzip(path) else open
    try:
        with opener(path, "rt", encoding="utf-8-sig") as f:
            first = next((line for line in f if line.strip()), None)
        if first is None:
            raise RejectedFile("the file is empty")
        try:
            json.loads(first)
        except ValueError:
            with opener(path, "rt", encoding="utf-8-sig") as f:
                whole = f.read()
            try:
                json.loads(whole)
            except ValueError:
                pass
            else:
                yield 1, whole
                return
        with opener(path, "rt", encoding="utf-8-sig") as f:
            for number, line in enumerate(f, start=1):
                if line.strip():
                    yield number, line.rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise RejectedFile(f"the file is not UTF-8 text (byte {exc.start})") from exc
    except readers.READ_ERRORS as exc:
        raise RejectedFile(f"cannot read the file: {exc}") from exc


def otlp_spans(path: Path) -> readers.Records:
    """Records of an OTLP JSON traces file: one JSON text per GenAI span, numbered from 1."""
    if path.stat().st_size == 0:
        raise RejectedFile("the file is empty")
    schema = pa.schema([("rn", pa.int64()), ("line", pa.string())])
    records = readers.Records(kind="json", columns=("line",), batches=iter(()), schema=schema)

    def batches() -> Iterator[pa.RecordBatch]:
        numbers: list[int] = []
        texts: list[str] = []
        rn, lines_read = 0, 0
        for line_number, text in _lines(path):
            lines_read += 1
            try:
                results = request_records(json.loads(text), line_number)
            except ValueError as exc:
                results = [(f"line {line_number} is not valid JSON: {exc}", _withheld(text))]
            except _Broken as exc:
                results = [(f"line {line_number}: {exc}", _withheld(text))]
            for result in results:
                rn += 1
                if isinstance(result, tuple):
                    records.bad_rows.append((rn, *result))
                    continue
                records.sampled_keys.update(result)
                numbers.append(rn)
                texts.append(json.dumps(result, separators=(",", ":")))
                if len(texts) >= BATCH_RECORDS:
                    yield _batch(schema, numbers, texts)
                    numbers, texts = [], []
        records.rows_read = rn
        if rn == 0 and lines_read:
            raise RejectedFile(
                f"none of its {lines_read} export requests holds a GenAI span "
                "(a span with gen_ai.* attributes)"
            )
        if texts:
            yield _batch(schema, numbers, texts)

    records.batches = batches()
    return records


def _withheld(text: str) -> str:
    # A request that cannot be parsed may hold prompt text anywhere: its text is not kept.
    return f"(text withheld: {len(text)} characters that may hold prompt content; see the landed file)"


def _batch(schema: pa.Schema, numbers: list[int], texts: list[str]) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays(
        [pa.array(np.array(numbers, dtype=np.int64)), pa.array(texts, pa.string())], schema=schema
    )


def _attr(name: str, key: str, type_: str = "VARCHAR", **kwargs) -> Field:
    return Field(name, type_, key=key, **kwargs)


def _tokens(name: str, key: str) -> Field:
    return Field(name, "BIGINT", key=key, non_negative=True)


def _n(key: str) -> str:
    return f'aispend_whole_number("{key}")'


_INPUT = f"coalesce({_n('gen_ai.usage.input_tokens')}, {_n('gen_ai.usage.prompt_tokens')})"
_CACHED = (
    f"coalesce({_n('gen_ai.usage.cache_read.input_tokens')}, {_n('gen_ai.usage.cache_read_input_tokens')}, 0)"
    f" + coalesce({_n('gen_ai.usage.cache_creation.input_tokens')}, "
    f"{_n('gen_ai.usage.cache_creation_input_tokens')}, 0)"
)
_OUTPUT = f"coalesce({_n('gen_ai.usage.output_tokens')}, {_n('gen_ai.usage.completion_tokens')})"

SPEC = SourceSpec(
    name=FOLDER,
    table="otel_genai_spans",
    description="OpenTelemetry GenAI spans (model calls, agent and tool spans), one row per span export.",
    natural_key=("trace_id", "span_id"),
    reader=otlp_spans,
    dropped_keys=(),
    checks=(
        ("not regexp_full_match(\"traceId\", '[0-9a-fA-F]{32}')", "traceId is not 32 hex digits"),
        ("not regexp_full_match(\"spanId\", '[0-9a-fA-F]{16}')", "spanId is not 16 hex digits"),
        (
            f"coalesce({_INPUT}, 0) < {_CACHED}",
            "cache read and cache creation tokens exceed gen_ai.usage.input_tokens, which must include them",
        ),
        (
            f"coalesce({_OUTPUT}, 0) < {_n('gen_ai.usage.reasoning.output_tokens')}",
            "gen_ai.usage.reasoning.output_tokens exceed gen_ai.usage.output_tokens, which must include them",
        ),
    ),
    fields=(
        Field("trace_id", "VARCHAR", key="traceId", required=True),
        Field("span_id", "VARCHAR", key="spanId", required=True),
        Field("parent_span_id", "VARCHAR", key="parentSpanId"),
        Field("span_name", "VARCHAR", key="name", expr="aispend_scrub({text})"),
        Field("span_kind", "VARCHAR", key="kind"),
        Field("start_time_unix_nano", "BIGINT", key="startTimeUnixNano", required=True, non_negative=True),
        Field("end_time_unix_nano", "BIGINT", key="endTimeUnixNano", non_negative=True),
        Field("status_code", "VARCHAR", key="statusCode"),
        Field("status_message", "VARCHAR", key="statusMessage", expr="aispend_scrub({text})"),
        Field("scope_name", "VARCHAR", key="scopeName"),
        Field("scope_version", "VARCHAR", key="scopeVersion"),
        Field("event_count", "BIGINT", key="eventCount", non_negative=True),
        Field("exception_type", "VARCHAR", key="exceptionType", expr="aispend_scrub({text})"),
        Field("file_line_number", "BIGINT", key="lineNumber"),
        _attr("service_name", "service.name"),
        _attr("service_namespace", "service.namespace"),
        _attr("service_version", "service.version"),
        _attr("service_instance_id", "service.instance.id"),
        _attr("deployment_environment_name", "deployment.environment.name"),
        _attr("deployment_environment", "deployment.environment"),
        _attr("cloud_provider", "cloud.provider"),
        _attr("cloud_region", "cloud.region"),
        _attr("cloud_account_id", "cloud.account.id"),
        _attr("telemetry_sdk_name", "telemetry.sdk.name"),
        _attr("telemetry_sdk_language", "telemetry.sdk.language"),
        _attr("telemetry_sdk_version", "telemetry.sdk.version"),
        _attr("gen_ai_provider_name", "gen_ai.provider.name"),
        _attr("gen_ai_system", "gen_ai.system"),
        _attr("gen_ai_operation_name", "gen_ai.operation.name"),
        _attr("gen_ai_request_model", "gen_ai.request.model"),
        _attr("gen_ai_response_model", "gen_ai.response.model"),
        _attr("gen_ai_response_id", "gen_ai.response.id"),
        _attr(
            "gen_ai_response_finish_reasons",
            "gen_ai.response.finish_reasons",
            "JSON",
            expr="case when json_valid({text}) then aispend_scrub({text})::json "
            "when {text} is not null then to_json([aispend_scrub({text})]) end",
        ),
        _attr("gen_ai_request_max_tokens", "gen_ai.request.max_tokens", "BIGINT", non_negative=True),
        _attr("gen_ai_request_temperature", "gen_ai.request.temperature", "DOUBLE"),
        _attr("gen_ai_conversation_id", "gen_ai.conversation.id"),
        _attr("gen_ai_agent_id", "gen_ai.agent.id"),
        _attr("gen_ai_agent_name", "gen_ai.agent.name", expr="aispend_scrub({text})"),
        _tokens("gen_ai_usage_input_tokens", "gen_ai.usage.input_tokens"),
        _tokens("gen_ai_usage_output_tokens", "gen_ai.usage.output_tokens"),
        _tokens("gen_ai_usage_cache_read_input_tokens", "gen_ai.usage.cache_read.input_tokens"),
        _tokens("gen_ai_usage_cache_creation_input_tokens", "gen_ai.usage.cache_creation.input_tokens"),
        _tokens("gen_ai_usage_reasoning_output_tokens", "gen_ai.usage.reasoning.output_tokens"),
        _tokens("gen_ai_usage_prompt_tokens", "gen_ai.usage.prompt_tokens"),
        _tokens("gen_ai_usage_completion_tokens", "gen_ai.usage.completion_tokens"),
        _tokens("openllmetry_cache_read_input_tokens", "gen_ai.usage.cache_read_input_tokens"),
        _tokens("openllmetry_cache_creation_input_tokens", "gen_ai.usage.cache_creation_input_tokens"),
        _attr("openai_request_service_tier", "openai.request.service_tier"),
        _attr("openai_response_service_tier", "openai.response.service_tier"),
        _attr("gen_ai_openai_request_service_tier", "gen_ai.openai.request.service_tier"),
        _attr("gen_ai_openai_response_service_tier", "gen_ai.openai.response.service_tier"),
        _attr("server_address", "server.address"),
        _attr("server_port", "server.port", "BIGINT", non_negative=True),
        _attr("error_type", "error.type", expr="aispend_scrub({text})"),
        _attr("app_workflow_id", "app.workflow.id"),
        _attr("app_task_id", "app.task.id"),
        _attr("app_task_attempt", "app.task.attempt", "BIGINT", non_negative=True),
        _attr("app_team_id", "app.team.id"),
    ),
)
